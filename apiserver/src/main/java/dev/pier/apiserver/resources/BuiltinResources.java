package dev.pier.apiserver.resources;

import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ResourceType;

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
        t.add(ns("", "v1", "pods", "Pod", List.of("po"), ALL, CoreStrategies.PODS));
        t.add(ns("", "v1", "services", "Service", List.of("svc"), ALL, CoreStrategies.SERVICES));
        t.add(ns("", "v1", "endpoints", "Endpoints", List.of("ep"), List.of(), CoreStrategies.ENDPOINTS));
        t.add(ns("", "v1", "configmaps", "ConfigMap", List.of("cm"), List.of(), CoreStrategies.CONFIGMAPS));
        t.add(ns("", "v1", "secrets", "Secret", List.of(), List.of(), CoreStrategies.SECRETS));
        t.add(ns("", "v1", "serviceaccounts", "ServiceAccount", List.of("sa"), List.of(), CoreStrategies.SERVICEACCOUNTS));
        t.add(ns("", "v1", "events", "Event", List.of("ev"), List.of(), CoreStrategies.EVENTS));
        t.add(ns("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", List.of("pvc"), List.of(), CoreStrategies.PVCS));
        t.add(ns("", "v1", "limitranges", "LimitRange", List.of("limits"), List.of(), CoreStrategies.LIMITRANGES));
        t.add(ns("", "v1", "resourcequotas", "ResourceQuota", List.of("quota"), List.of(), CoreStrategies.RESOURCEQUOTAS));
        t.add(cluster("", "v1", "namespaces", "Namespace", List.of("ns"), List.of(), CoreStrategies.NAMESPACES));
        t.add(cluster("", "v1", "nodes", "Node", List.of("no"), List.of(), CoreStrategies.NODES));
        t.add(cluster("", "v1", "persistentvolumes", "PersistentVolume", List.of("pv"), List.of(), CoreStrategies.PVS));
        // apps/v1
        t.add(ns("apps", "v1", "deployments", "Deployment", List.of("deploy"), ALL, AppsStrategies.DEPLOYMENTS));
        t.add(ns("apps", "v1", "replicasets", "ReplicaSet", List.of("rs"), ALL, AppsStrategies.REPLICASETS));
        t.add(ns("apps", "v1", "statefulsets", "StatefulSet", List.of("sts"), ALL, AppsStrategies.STATEFULSETS));
        t.add(ns("apps", "v1", "daemonsets", "DaemonSet", List.of("ds"), ALL, AppsStrategies.DAEMONSETS));
        t.add(ns("apps", "v1", "controllerrevisions", "ControllerRevision", List.of(), List.of(), AppsStrategies.CONTROLLERREVISIONS));
        // batch/v1
        t.add(ns("batch", "v1", "jobs", "Job", List.of(), ALL, BatchStrategies.JOBS));
        t.add(ns("batch", "v1", "cronjobs", "CronJob", List.of("cj"), ALL, BatchStrategies.CRONJOBS));
        // others
        t.add(ns("coordination.k8s.io", "v1", "leases", "Lease", List.of(), List.of(), OtherStrategies.LEASES));
        t.add(ns("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", List.of(), List.of(), OtherStrategies.ENDPOINTSLICES));
        t.add(cluster("storage.k8s.io", "v1", "storageclasses", "StorageClass", List.of("sc"), List.of(), OtherStrategies.STORAGECLASSES));
        t.add(ns("events.k8s.io", "v1", "events", "Event", List.of("ev"), List.of(), OtherStrategies.EVENTS));
        t.add(ns("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", List.of("pdb"), List.of(), OtherStrategies.PDBS));
        t.add(ns("rbac.authorization.k8s.io", "v1", "roles", "Role", List.of(), List.of(), OtherStrategies.ROLES));
        t.add(ns("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", List.of(), List.of(), OtherStrategies.ROLEBINDINGS));
        t.add(cluster("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", List.of(), List.of(), OtherStrategies.CLUSTERROLES));
        t.add(cluster("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", List.of(), List.of(), OtherStrategies.CLUSTERROLEBINDINGS));
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
