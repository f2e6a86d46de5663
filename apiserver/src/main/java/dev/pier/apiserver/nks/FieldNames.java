package dev.pier.apiserver.nks;

import java.util.Comparator;
import java.util.List;

/**
 * The NKS names of an object's fields, and what to send instead when one is refused: the bridge between the
 * field paths of the kinds' validation ({@code spec.network.podCidr}) and the fields a caller of the NKS API
 * sent ({@code pod_cidr}). What follows a mapped prefix is kept: {@code spec.labels[a/b]} is {@code labels[a/b]}.
 */
final class FieldNames {
    private record Entry(String objectPath, String nksName, String fix) {
    }

    private static final String FLAVOR_FIX = "one of the flavors GET /v1/supports lists, e.g. m1.small";
    private static final String COUNT_FIX = "a whole number, 0 or more";
    private static final String TAINT_FIX = "strings key=value:Effect, Effect one of NoSchedule, PreferNoSchedule, NoExecute";
    private static final String LABEL_FIX = "Kubernetes label keys and values, e.g. {\"tier\": \"web\"}";

    static final FieldNames CLUSTER = new FieldNames(List.of(
            new Entry("metadata.name", "name", "1 to 20 lowercase letters, digits and '-', starting with a letter"),
            new Entry("spec.kubernetesVersion", "coe_version", "one of the versions GET /v1/supports lists"),
            new Entry("spec.network.podCidr", "pod_cidr", "a private IPv4 CIDR such as 10.244.0.0/16 that does not overlap service_cidr"),
            new Entry("spec.network.serviceCidr", "service_cidr", "a private IPv4 CIDR such as 10.96.0.0/12 that does not overlap pod_cidr"),
            new Entry("spec.network.podSubnetSize", "pod_subnet_size", "a prefix length longer than pod_cidr's, e.g. 24"),
            new Entry("spec.network.clusterDomain", "cluster_domain", "a DNS domain such as cluster.local"),
            new Entry("spec.controlPlane.replicas", "master_count", "1"),
            new Entry("spec.defaultNodeGroup.nodeCount", "node_count", COUNT_FIX),
            new Entry("spec.defaultNodeGroup.flavor", "flavor", FLAVOR_FIX),
            new Entry("spec.defaultNodeGroup.labels", "node_labels", LABEL_FIX),
            new Entry("spec.defaultNodeGroup.taints", "node_taints", TAINT_FIX),
            new Entry("spec.labels", "labels", "a map of strings to strings")));

    static final FieldNames NODE_GROUP = new FieldNames(List.of(
            new Entry("metadata.name", "name", "1 to 20 lowercase letters, digits and '-', starting with a letter"),
            new Entry("spec.nodeCount", "node_count", COUNT_FIX),
            new Entry("spec.flavor", "flavor", FLAVOR_FIX),
            new Entry("spec.labels", "node_labels", LABEL_FIX),
            new Entry("spec.taints", "node_taints", TAINT_FIX),
            new Entry("spec.autoscale.enabled", "autoscale", "true or false"),
            new Entry("spec.autoscale.minNodeCount", "min_node_count", "a whole number no larger than max_node_count"),
            new Entry("spec.autoscale.maxNodeCount", "max_node_count", "a whole number no smaller than min_node_count"),
            new Entry("spec.autoRepair.enabled", "auto_repair", "true or false"),
            new Entry("spec.nodesToRemove", "nodes_to_remove", "names of the group's nodes, as kubectl get nodes shows them")));

    private final List<Entry> entries;

    private FieldNames(List<Entry> entries) {
        // longest first, so that the most specific prefix wins
        this.entries = entries.stream().sorted(Comparator.comparingInt((Entry e) -> e.objectPath().length()).reversed()).toList();
    }

    /** The NKS name of a field path of the object; the path itself when no NKS field maps to it. */
    String nksName(String objectPath) {
        Entry e = entry(objectPath);
        return e == null ? objectPath : e.nksName() + objectPath.substring(e.objectPath().length());
    }

    /** What to send instead for a refused field, or null when nothing is known. */
    String fix(String objectPath) {
        Entry e = entry(objectPath);
        return e == null ? null : e.fix();
    }

    /** What to send instead for an NKS field, or null when nothing is known. */
    String fixOfNksField(String nksField) {
        return entries.stream().filter(e -> e.nksName().equals(nksField)).map(Entry::fix).findFirst().orElse(null);
    }

    private Entry entry(String objectPath) {
        for (Entry e : entries) {
            String p = e.objectPath();
            if (objectPath.equals(p) || objectPath.startsWith(p + ".") || objectPath.startsWith(p + "[")) return e;
        }
        return null;
    }
}
