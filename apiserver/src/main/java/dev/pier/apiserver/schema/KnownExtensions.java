package dev.pier.apiserver.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Go struct tags tell Kubernetes and Java classes cannot: how lists merge ({@code patchStrategy},
 * {@code patchMergeKey}, {@code listType}, {@code listMapKeys}), which maps and structs are atomic, and
 * which properties are required. Keyed by schema name and property. Lists not named here get no
 * extension (Kubernetes then replaces them whole, as it does for untagged lists).
 */
final class KnownExtensions {
    static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    static final String CORE = "io.k8s.api.core.v1.";
    static final String APPS = "io.k8s.api.apps.v1.";
    static final String BATCH = "io.k8s.api.batch.v1.";
    static final String DISCOVERY = "io.k8s.api.discovery.v1.";
    static final String STORAGE = "io.k8s.api.storage.v1.";
    static final String POLICY = "io.k8s.api.policy.v1.";
    static final String RBAC = "io.k8s.api.rbac.v1.";
    static final String CERTIFICATES = "io.k8s.api.certificates.v1.";

    /** List extensions of one property. */
    record ListRule(String patchStrategy, String patchMergeKey, String listType, List<String> mapKeys) {
    }

    private static final Map<String, ListRule> LISTS = new HashMap<>();
    private static final Map<String, String> FIELD_MAP_TYPES = new HashMap<>();
    private static final Set<String> ATOMIC_STRUCTS;
    private static final Map<String, List<String>> REQUIRED = new HashMap<>();

    static {
        // meta/v1
        set(META + "ObjectMeta", "finalizers", "merge");
        mergeMap(META + "ObjectMeta", "ownerReferences", "merge", "uid", "uid");
        atomic(META + "LabelSelector", "matchExpressions");
        atomic(META + "LabelSelectorRequirement", "values");

        // core/v1: pods
        mergeMap(CORE + "PodSpec", "volumes", "merge,retainKeys", "name", "name");
        for (String f : List.of("initContainers", "containers", "ephemeralContainers", "imagePullSecrets", "schedulingGates")) {
            mergeMap(CORE + "PodSpec", f, "merge", "name", "name");
        }
        mergeMap(CORE + "PodSpec", "resourceClaims", "merge,retainKeys", "name", "name");
        mergeMap(CORE + "PodSpec", "hostAliases", "merge", "ip", "ip");
        mergeMap(CORE + "PodSpec", "topologySpreadConstraints", "merge", "topologyKey", "topologyKey", "whenUnsatisfiable");
        atomic(CORE + "PodSpec", "tolerations", "readinessGates");
        FIELD_MAP_TYPES.put(CORE + "PodSpec.nodeSelector", "atomic");
        for (String c : List.of("Container", "EphemeralContainer")) {
            mergeMap(CORE + c, "ports", "merge", "containerPort", "containerPort", "protocol");
            mergeMap(CORE + c, "env", "merge", "name", "name");
            mergeMap(CORE + c, "volumeMounts", "merge", "mountPath", "mountPath");
            mergeMap(CORE + c, "volumeDevices", "merge", "devicePath", "devicePath");
            atomic(CORE + c, "envFrom", "resizePolicy", "command", "args");
        }
        mergeMap(CORE + "PodStatus", "conditions", "merge", "type", "type");
        mergeMap(CORE + "PodStatus", "podIPs", "merge", "ip", "ip");
        LISTS.put(CORE + "PodStatus.hostIPs", new ListRule("merge", "ip", "atomic", List.of()));
        atomic(CORE + "PodStatus", "initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses");
        mergeMap(CORE + "PodStatus", "resourceClaimStatuses", "merge,retainKeys", "name", "name");
        atomic(CORE + "ContainerStatus", "allocatedResourcesStatus", "volumeMounts");
        mergeMap(CORE + "ResourceRequirements", "claims", null, null, "name");
        atomic(CORE + "PodSecurityContext", "supplementalGroups", "sysctls");
        atomic(CORE + "Capabilities", "add", "drop");
        atomic(CORE + "PodDNSConfig", "nameservers", "searches", "options");
        atomic(CORE + "ExecAction", "command");
        atomic(CORE + "HTTPGetAction", "httpHeaders");
        atomic(CORE + "NodeSelector", "nodeSelectorTerms");
        atomic(CORE + "NodeSelectorTerm", "matchExpressions", "matchFields");
        atomic(CORE + "NodeSelectorRequirement", "values");
        atomic(CORE + "NodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution");
        for (String a : List.of("PodAffinity", "PodAntiAffinity")) {
            atomic(CORE + a, "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution");
        }
        atomic(CORE + "PodAffinityTerm", "namespaces", "matchLabelKeys", "mismatchLabelKeys");
        atomic(CORE + "TopologySpreadConstraint", "matchLabelKeys");
        atomic(CORE + "HostAlias", "hostnames");
        for (String v : List.of("ConfigMapVolumeSource", "SecretVolumeSource", "DownwardAPIVolumeSource",
                "ConfigMapProjection", "SecretProjection", "DownwardAPIProjection")) {
            atomic(CORE + v, "items");
        }
        atomic(CORE + "ProjectedVolumeSource", "sources");
        atomic(CORE + "CephFSVolumeSource", "monitors");
        atomic(CORE + "CephFSPersistentVolumeSource", "monitors");
        atomic(CORE + "RBDVolumeSource", "monitors");
        atomic(CORE + "RBDPersistentVolumeSource", "monitors");
        atomic(CORE + "ISCSIVolumeSource", "portals");
        atomic(CORE + "ISCSIPersistentVolumeSource", "portals");
        atomic(CORE + "FCVolumeSource", "targetWWNs", "wwids");
        // core/v1: services, endpoints, service accounts
        mergeMap(CORE + "ServiceSpec", "ports", "merge", "port", "port", "protocol");
        atomic(CORE + "ServiceSpec", "externalIPs", "clusterIPs", "ipFamilies", "loadBalancerSourceRanges");
        FIELD_MAP_TYPES.put(CORE + "ServiceSpec.selector", "atomic");
        mergeMap(CORE + "ServiceStatus", "conditions", "merge", "type", "type");
        atomic(CORE + "LoadBalancerStatus", "ingress");
        atomic(CORE + "LoadBalancerIngress", "ports");
        atomic(CORE + "Endpoints", "subsets");
        atomic(CORE + "EndpointSubset", "addresses", "notReadyAddresses", "ports");
        mergeMap(CORE + "ServiceAccount", "secrets", "merge", "name", "name");
        atomic(CORE + "ServiceAccount", "imagePullSecrets");
        // core/v1: nodes, namespaces, volumes, quotas
        LISTS.put(CORE + "NodeSpec.podCIDRs", new ListRule("merge", null, "set", List.of()));
        atomic(CORE + "NodeSpec", "taints");
        mergeMap(CORE + "NodeStatus", "conditions", "merge", "type", "type");
        mergeMap(CORE + "NodeStatus", "addresses", "merge", "type", "type");
        atomic(CORE + "NodeStatus", "images", "volumesInUse", "volumesAttached", "runtimeHandlers");
        atomic(CORE + "ContainerImage", "names");
        atomic(CORE + "NamespaceSpec", "finalizers");
        mergeMap(CORE + "NamespaceStatus", "conditions", "merge", "type", "type");
        atomic(CORE + "PersistentVolumeClaimSpec", "accessModes");
        atomic(CORE + "PersistentVolumeClaimStatus", "accessModes");
        mergeMap(CORE + "PersistentVolumeClaimStatus", "conditions", "merge", "type", "type");
        atomic(CORE + "PersistentVolumeSpec", "accessModes", "mountOptions");
        atomic(CORE + "LimitRangeSpec", "limits");
        atomic(CORE + "ResourceQuotaSpec", "scopes");
        atomic(CORE + "ScopeSelector", "matchExpressions");
        atomic(CORE + "ScopedResourceSelectorRequirement", "values");
        atomic(CORE + "TopologySelectorTerm", "matchLabelExpressions");
        atomic(CORE + "TopologySelectorLabelRequirement", "values");

        // apps/v1
        for (String s : List.of("DeploymentStatus", "ReplicaSetStatus", "StatefulSetStatus", "DaemonSetStatus")) {
            mergeMap(APPS + s, "conditions", "merge", "type", "type");
        }
        atomic(APPS + "StatefulSetSpec", "volumeClaimTemplates");
        // batch/v1
        LISTS.put(BATCH + "JobStatus.conditions", new ListRule("merge", "type", "atomic", List.of()));
        atomic(BATCH + "CronJobStatus", "active");
        atomic(BATCH + "PodFailurePolicy", "rules");
        atomic(BATCH + "PodFailurePolicyRule", "onPodConditions");
        set(BATCH + "PodFailurePolicyOnExitCodesRequirement", "values", null);
        atomic(BATCH + "SuccessPolicy", "rules");
        // discovery.k8s.io/v1
        atomic(DISCOVERY + "EndpointSlice", "endpoints", "ports");
        set(DISCOVERY + "Endpoint", "addresses", null);
        atomic(DISCOVERY + "EndpointHints", "forZones");
        // storage.k8s.io/v1
        atomic(STORAGE + "StorageClass", "mountOptions", "allowedTopologies");
        // policy/v1
        mergeMap(POLICY + "PodDisruptionBudgetStatus", "conditions", "merge", "type", "type");
        // rbac.authorization.k8s.io/v1
        atomic(RBAC + "Role", "rules");
        atomic(RBAC + "ClusterRole", "rules");
        atomic(RBAC + "RoleBinding", "subjects");
        atomic(RBAC + "ClusterRoleBinding", "subjects");
        atomic(RBAC + "PolicyRule", "verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs");
        atomic(RBAC + "AggregationRule", "clusterRoleSelectors");
        // certificates.k8s.io/v1
        mergeMap(CERTIFICATES + "CertificateSigningRequestStatus", "conditions", null, null, "type");
        atomic(CERTIFICATES + "CertificateSigningRequestSpec", "usages", "groups");
        req(CERTIFICATES + "CertificateSigningRequest", "spec");
        req(CERTIFICATES + "CertificateSigningRequestSpec", "request", "signerName");
        req(CERTIFICATES + "CertificateSigningRequestCondition", "type", "status");

        ATOMIC_STRUCTS = Set.of(META + "LabelSelector", CORE + "NodeSelector", CORE + "NodeSelectorTerm",
                CORE + "ObjectReference", CORE + "LocalObjectReference", CORE + "TypedLocalObjectReference",
                CORE + "ConfigMapKeySelector", CORE + "SecretKeySelector", CORE + "ObjectFieldSelector",
                CORE + "ResourceFieldSelector", CORE + "TopologySelectorTerm", CORE + "EndpointPort",
                DISCOVERY + "EndpointPort", RBAC + "RoleRef", RBAC + "Subject");

        // required properties
        req(META + "OwnerReference", "apiVersion", "kind", "name", "uid");
        req(META + "LabelSelectorRequirement", "key", "operator");
        req(META + "Condition", "type", "status", "lastTransitionTime", "reason", "message");
        req(META + "ManagedFieldsEntry");
        req(CORE + "PodSpec", "containers");
        req(CORE + "Container", "name");
        req(CORE + "EphemeralContainer", "name");
        req(CORE + "ContainerPort", "containerPort");
        req(CORE + "EnvVar", "name");
        req(CORE + "Volume", "name");
        req(CORE + "VolumeMount", "name", "mountPath");
        req(CORE + "VolumeDevice", "name", "devicePath");
        req(CORE + "ServicePort", "port");
        req(CORE + "KeyToPath", "key", "path");
        req(CORE + "ConfigMapKeySelector", "key");
        req(CORE + "SecretKeySelector", "key");
        req(CORE + "ObjectFieldSelector", "fieldPath");
        req(CORE + "ResourceFieldSelector", "resource");
        req(CORE + "DownwardAPIVolumeFile", "path");
        req(CORE + "HTTPGetAction", "port");
        req(CORE + "TCPSocketAction", "port");
        req(CORE + "GRPCAction", "port");
        req(CORE + "SleepAction", "seconds");
        req(CORE + "HTTPHeader", "name", "value");
        req(CORE + "NodeSelector", "nodeSelectorTerms");
        req(CORE + "NodeSelectorRequirement", "key", "operator");
        req(CORE + "PreferredSchedulingTerm", "weight", "preference");
        req(CORE + "WeightedPodAffinityTerm", "weight", "podAffinityTerm");
        req(CORE + "PodAffinityTerm", "topologyKey");
        req(CORE + "TopologySpreadConstraint", "maxSkew", "topologyKey", "whenUnsatisfiable");
        req(CORE + "Sysctl", "name", "value");
        req(CORE + "Taint", "key", "effect");
        req(CORE + "PodReadinessGate", "conditionType");
        req(CORE + "PodSchedulingGate", "name");
        req(CORE + "PodResourceClaim", "name");
        req(CORE + "ResourceClaim", "name");
        req(CORE + "ContainerResizePolicy", "resourceName", "restartPolicy");
        req(CORE + "SeccompProfile", "type");
        req(CORE + "AppArmorProfile", "type");
        req(CORE + "PodOS", "name");
        req(CORE + "PersistentVolumeClaimTemplate", "spec");
        req(CORE + "HostPathVolumeSource", "path");
        req(CORE + "NFSVolumeSource", "server", "path");
        req(CORE + "CSIVolumeSource", "driver");
        req(CORE + "ServiceAccountTokenProjection", "path");
        req(CORE + "ClusterTrustBundleProjection", "path");
        req(CORE + "EndpointAddress", "ip");
        req(CORE + "EndpointPort", "port");
        req(CORE + "Event", "metadata", "involvedObject");
        req(CORE + "PodCondition", "type", "status");
        req(CORE + "NodeCondition", "type", "status");
        req(CORE + "NodeAddress", "type", "address");
        req(CORE + "NamespaceCondition", "type", "status");
        req(CORE + "PersistentVolumeClaimCondition", "type", "status");
        req(CORE + "ContainerStatus", "name", "ready", "restartCount", "image", "imageID");
        req(CORE + "DaemonEndpoint", "Port");
        req(CORE + "ScopedResourceSelectorRequirement", "scopeName", "operator");
        req(CORE + "LimitRangeItem", "type");
        req(CORE + "LimitRangeSpec", "limits");
        req(CORE + "TopologySelectorLabelRequirement", "key", "values");
        req(CORE + "PortStatus", "port", "protocol");
        req(APPS + "DeploymentSpec", "selector", "template");
        req(APPS + "ReplicaSetSpec", "selector");
        req(APPS + "StatefulSetSpec", "selector", "template");
        req(APPS + "DaemonSetSpec", "selector", "template");
        req(APPS + "ControllerRevision", "revision");
        for (String c : List.of("DeploymentCondition", "ReplicaSetCondition", "StatefulSetCondition", "DaemonSetCondition")) {
            req(APPS + c, "type", "status");
        }
        req(APPS + "ReplicaSetStatus", "replicas");
        req(APPS + "StatefulSetStatus", "replicas");
        req(APPS + "DaemonSetStatus", "currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady");
        req(BATCH + "JobSpec", "template");
        req(BATCH + "CronJobSpec", "schedule", "jobTemplate");
        req(BATCH + "JobCondition", "type", "status");
        req(BATCH + "PodFailurePolicy", "rules");
        req(BATCH + "PodFailurePolicyRule", "action");
        req(BATCH + "PodFailurePolicyOnExitCodesRequirement", "operator", "values");
        req(BATCH + "PodFailurePolicyOnPodConditionsPattern", "type", "status");
        req(BATCH + "SuccessPolicy", "rules");
        req(DISCOVERY + "EndpointSlice", "addressType", "endpoints");
        req(DISCOVERY + "Endpoint", "addresses");
        req(DISCOVERY + "ForZone", "name");
        req(STORAGE + "StorageClass", "provisioner");
        req("io.k8s.api.events.v1.Event", "eventTime");
        req("io.k8s.api.coordination.v1.Lease");
        req(POLICY + "PodDisruptionBudgetStatus", "disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods");
        req(RBAC + "PolicyRule", "verbs");
        req(RBAC + "RoleBinding", "roleRef");
        req(RBAC + "ClusterRoleBinding", "roleRef");
        req(RBAC + "RoleRef", "apiGroup", "kind", "name");
        req(RBAC + "Subject", "kind", "name");
    }

    private KnownExtensions() {
    }

    /** The list extensions of {@code type.field}, or null. */
    static ListRule list(String type, String field) {
        return LISTS.get(type + "." + field);
    }

    /** {@code x-kubernetes-map-type} of a map-valued property, or null. */
    static String fieldMapType(String type, String field) {
        return FIELD_MAP_TYPES.get(type + "." + field);
    }

    /** {@code x-kubernetes-map-type} of an object type ("atomic" for structs replaced whole), or null. */
    static String structMapType(String type) {
        return ATOMIC_STRUCTS.contains(type) ? "atomic" : null;
    }

    static List<String> required(String type) {
        return REQUIRED.getOrDefault(type, List.of());
    }

    private static void mergeMap(String type, String field, String strategy, String mergeKey, String... mapKeys) {
        LISTS.put(type + "." + field, new ListRule(strategy, mergeKey, "map", List.of(mapKeys)));
    }

    private static void atomic(String type, String... fields) {
        for (String f : fields) LISTS.put(type + "." + f, new ListRule(null, null, "atomic", List.of()));
    }

    private static void set(String type, String field, String strategy) {
        LISTS.put(type + "." + field, new ListRule(strategy, null, "set", List.of()));
    }

    private static void req(String type, String... fields) {
        if (fields.length > 0) REQUIRED.put(type, List.of(fields));
    }
}
