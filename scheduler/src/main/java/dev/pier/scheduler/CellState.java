package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.Pods;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's view of one cell: its nodes, what is assigned to each (pods bound, and pods assumed
 * bound while their binding is written), and the pods it could not place, kept current from informer
 * events. Decisions for one cell are taken one at a time under this object's lock, so two pods never
 * take the same free space.
 */
final class CellState {
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    /** pod uid → what it takes and where. */
    private final Map<String, NodeInfo.PodUsage> assigned = new HashMap<>();
    /** "namespace/name" of pods waiting for the cluster to change. */
    private final Set<String> unschedulable = new HashSet<>();

    synchronized void nodeChanged(JsonNode node) {
        String name = node.path("metadata").path("name").asText();
        nodes.computeIfAbsent(name, NodeInfo::new).setNode(node);
    }

    synchronized void nodeDeleted(String name) {
        NodeInfo info = nodes.get(name);
        if (info == null) return;
        if (info.pods == 0) nodes.remove(name);
        else info.node = null; // its pods still count until they are gone
    }

    /** A pod as an informer saw it: counted on its node while active and assigned. */
    synchronized void podChanged(JsonNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        String node = pod.path("spec").path("nodeName").asText("");
        boolean counts = !node.isEmpty() && Pods.isActive(pod);
        // a pod being deleted still holds its node's resources until it is gone (Kubernetes counts it too)
        if (!node.isEmpty() && pod.path("metadata").hasNonNull("deletionTimestamp")) counts = true;
        String phase = Pods.phase(pod);
        if (phase.equals("Succeeded") || phase.equals("Failed")) counts = false;
        if (counts) assign(uid, NodeInfo.PodUsage.of(node, pod));
        else unassign(uid);
    }

    synchronized void podDeleted(JsonNode pod) {
        unassign(pod.path("metadata").path("uid").asText());
        unschedulable.remove(key(pod));
    }

    /** Counts a pod on a node before its binding is written. */
    synchronized void assume(JsonNode pod, String node) {
        assign(pod.path("metadata").path("uid").asText(), NodeInfo.PodUsage.of(node, pod));
    }

    /** Whether the pod is already counted on a node (bound, or assumed while its binding is written). */
    synchronized boolean isAssigned(JsonNode pod) {
        return assigned.containsKey(pod.path("metadata").path("uid").asText());
    }

    synchronized void forget(JsonNode pod) {
        unassign(pod.path("metadata").path("uid").asText());
    }

    private void assign(String uid, NodeInfo.PodUsage usage) {
        NodeInfo.PodUsage old = assigned.put(uid, usage);
        if (old != null) nodes.get(old.node()).add(old, -1);
        nodes.computeIfAbsent(usage.node(), NodeInfo::new).add(usage, +1);
    }

    private void unassign(String uid) {
        NodeInfo.PodUsage old = assigned.remove(uid);
        if (old == null) return;
        NodeInfo info = nodes.get(old.node());
        info.add(old, -1);
        if (info.node == null && info.pods == 0) nodes.remove(old.node());
    }

    /** Nodes that exist (not only as the remembered home of pods). Call with the lock held. */
    Collection<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        for (NodeInfo n : nodes.values()) if (n.node != null) out.add(n);
        return out;
    }

    NodeInfo node(String name) {
        return nodes.get(name);
    }

    synchronized void markUnschedulable(JsonNode pod) {
        unschedulable.add(key(pod));
    }

    synchronized void markScheduled(JsonNode pod) {
        unschedulable.remove(key(pod));
    }

    /** The pods waiting for a change, as "namespace/name", emptied: they are about to be tried again. */
    synchronized List<String> takeUnschedulable() {
        List<String> out = new ArrayList<>(unschedulable);
        unschedulable.clear();
        return out;
    }

    private static String key(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }
}
