package dev.pier.apiserver.resources;

import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.apps.ControllerRevisionStrategy;
import dev.pier.apiserver.resources.apps.DaemonSetStrategy;
import dev.pier.apiserver.resources.apps.DeploymentStrategy;
import dev.pier.apiserver.resources.apps.ReplicaSetStrategy;
import dev.pier.apiserver.resources.apps.StatefulSetStrategy;
import dev.pier.apiserver.resources.batch.CronJobStrategy;
import dev.pier.apiserver.resources.batch.JobStrategy;
import dev.pier.apiserver.resources.certificates.CertificateSigningRequestStrategy;
import dev.pier.apiserver.resources.coordination.LeaseStrategy;
import dev.pier.apiserver.resources.core.ConfigMapStrategy;
import dev.pier.apiserver.resources.core.ReplicationControllerStrategy;
import dev.pier.apiserver.resources.networking.IngressStrategy;
import dev.pier.apiserver.resources.core.CoreKinds;
import dev.pier.apiserver.resources.core.EndpointsStrategy;
import dev.pier.apiserver.resources.core.EventStrategy;
import dev.pier.apiserver.resources.core.NodeStrategy;
import dev.pier.apiserver.resources.core.PersistentVolumeClaimStrategy;
import dev.pier.apiserver.resources.core.PersistentVolumeStrategy;
import dev.pier.apiserver.resources.core.PodStrategy;
import dev.pier.apiserver.resources.core.SecretStrategy;
import dev.pier.apiserver.resources.core.ServiceStrategy;
import dev.pier.apiserver.resources.discovery.EndpointSliceStrategy;
import dev.pier.apiserver.resources.events.EventsV1Strategy;
import dev.pier.apiserver.resources.policy.PodDisruptionBudgetStrategy;
import dev.pier.apiserver.resources.rbac.RbacStrategies;
import dev.pier.apiserver.resources.storage.StorageClassStrategy;
import dev.pier.apiserver.resources.storage.StorageKinds;

import java.util.ArrayList;
import java.util.List;

/**
 * Every built-in kind Pier serves, in the order discovery lists them. One line per kind: names, scope,
 * short names, categories and strategy; the strategies hold what differs between kinds.
 */
public final class BuiltinResources {
    private static final List<String> ALL = List.of("all");

    private BuiltinResources() {
    }

    public static ResourceRegistry registry() {
        List<ResourceType> t = new ArrayList<>();
        // core/v1
        t.add(ns("", "v1", "pods", "Pod", List.of("po"), ALL, new PodStrategy()));
        t.add(ns("", "v1", "services", "Service", List.of("svc"), ALL, new ServiceStrategy()));
        t.add(ns("", "v1", "endpoints", "Endpoints", List.of("ep"), List.of(), new EndpointsStrategy()));
        t.add(ns("", "v1", "configmaps", "ConfigMap", List.of("cm"), List.of(), new ConfigMapStrategy()));
        t.add(ns("", "v1", "secrets", "Secret", List.of(), List.of(), new SecretStrategy()));
        t.add(ns("", "v1", "serviceaccounts", "ServiceAccount", List.of("sa"), List.of(), CoreKinds.SERVICE_ACCOUNTS));
        t.add(ns("", "v1", "events", "Event", List.of("ev"), List.of(), new EventStrategy()));
        t.add(ns("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", List.of("pvc"), List.of(), new PersistentVolumeClaimStrategy()));
        t.add(ns("", "v1", "limitranges", "LimitRange", List.of("limits"), List.of(), CoreKinds.LIMIT_RANGES));
        t.add(ns("", "v1", "resourcequotas", "ResourceQuota", List.of("quota"), List.of(), CoreKinds.RESOURCE_QUOTAS));
        t.add(cluster("", "v1", "namespaces", "Namespace", List.of("ns"), List.of(), new NamespaceStrategy()));
        t.add(cluster("", "v1", "nodes", "Node", List.of("no"), List.of(), new NodeStrategy()));
        t.add(cluster("", "v1", "persistentvolumes", "PersistentVolume", List.of("pv"), List.of(), new PersistentVolumeStrategy()));
        t.add(ns("", "v1", "replicationcontrollers", "ReplicationController", List.of("rc"), ALL, ReplicationControllerStrategy.INSTANCE));
        // apps/v1
        t.add(ns("apps", "v1", "deployments", "Deployment", List.of("deploy"), ALL, new DeploymentStrategy()));
        t.add(ns("apps", "v1", "replicasets", "ReplicaSet", List.of("rs"), ALL, new ReplicaSetStrategy()));
        t.add(ns("apps", "v1", "statefulsets", "StatefulSet", List.of("sts"), ALL, new StatefulSetStrategy()));
        t.add(ns("apps", "v1", "daemonsets", "DaemonSet", List.of("ds"), ALL, new DaemonSetStrategy()));
        t.add(ns("apps", "v1", "controllerrevisions", "ControllerRevision", List.of(), List.of(), new ControllerRevisionStrategy()));
        // batch/v1
        t.add(ns("batch", "v1", "jobs", "Job", List.of(), ALL, new JobStrategy()));
        t.add(ns("batch", "v1", "cronjobs", "CronJob", List.of("cj"), ALL, new CronJobStrategy()));
        // others
        t.add(cluster("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", List.of("csr"), List.of(),
                CertificateSigningRequestStrategy.INSTANCE));
        t.add(ns("coordination.k8s.io", "v1", "leases", "Lease", List.of(), List.of(), LeaseStrategy.LEASES));
        t.add(ns("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", List.of(), List.of(), new EndpointSliceStrategy()));
        t.add(cluster("storage.k8s.io", "v1", "storageclasses", "StorageClass", List.of("sc"), List.of(), new StorageClassStrategy()));
        t.add(cluster("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", List.of(), List.of(), StorageKinds.VOLUME_ATTACHMENTS));
        t.add(cluster("storage.k8s.io", "v1", "csinodes", "CSINode", List.of(), List.of(), StorageKinds.CSI_NODES));
        t.add(cluster("storage.k8s.io", "v1", "csidrivers", "CSIDriver", List.of(), List.of(), StorageKinds.CSI_DRIVERS));
        t.add(ns("events.k8s.io", "v1", "events", "Event", List.of("ev"), List.of(), new EventsV1Strategy()));
        t.add(ns("networking.k8s.io", "v1", "ingresses", "Ingress", List.of("ing"), List.of(), IngressStrategy.INSTANCE));
        t.add(ns("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", List.of("pdb"), List.of(), new PodDisruptionBudgetStrategy()));
        t.add(ns("rbac.authorization.k8s.io", "v1", "roles", "Role", List.of(), List.of(), RbacStrategies.ROLES));
        t.add(ns("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", List.of(), List.of(), RbacStrategies.ROLE_BINDINGS));
        t.add(cluster("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", List.of(), List.of(), RbacStrategies.CLUSTER_ROLES));
        t.add(cluster("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", List.of(), List.of(), RbacStrategies.CLUSTER_ROLE_BINDINGS));
        return new ResourceRegistry(t);
    }

    private static ResourceType ns(String group, String version, String resource, String kind,
                                   List<String> shortNames, List<String> categories, ResourceStrategy strategy) {
        return new ResourceType(group, version, resource, kind.toLowerCase(), kind, true, shortNames, categories, strategy);
    }

    private static ResourceType cluster(String group, String version, String resource, String kind,
                                        List<String> shortNames, List<String> categories, ResourceStrategy strategy) {
        return new ResourceType(group, version, resource, kind.toLowerCase(), kind, false, shortNames, categories, strategy);
    }
}
