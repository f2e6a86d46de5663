package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.controllers.runtime.NodeMatching;

import java.util.Set;

/**
 * Which nodes should run a DaemonSet's pod (Kubernetes' NodeShouldRunDaemonPod): the template's nodeName,
 * nodeSelector and required node affinity match the node, and the node has no NoSchedule or NoExecute taint
 * that the pod, with the daemon tolerations, does not tolerate. A pod already on a node may stay there
 * after a new NoSchedule taint; only an untolerated NoExecute taint or a selector that stopped matching
 * removes it. Resources are the scheduler's business, not this one's.
 */
final class NodeEligibility {
    private static final Set<String> SCHEDULING_EFFECTS = Set.of("NoSchedule", "NoExecute");
    private static final Set<String> EXECUTION_EFFECTS = Set.of("NoExecute");

    /**
     * @param shouldRun         a daemon pod should be created on the node if none is there
     * @param shouldKeepRunning a daemon pod already on the node may stay
     */
    record Verdict(boolean shouldRun, boolean shouldKeepRunning) {
        static final Verdict NO = new Verdict(false, false);
        static final Verdict YES = new Verdict(true, true);
    }

    /** The pod a node would get, as far as placement goes: the template's spec with the daemon tolerations. */
    private final ObjectNode pod;
    private final String nodeName;

    NodeEligibility(JsonNode ds) {
        ObjectNode spec = ds.path("spec").path("template").path("spec").deepCopy();
        DaemonPods.addTolerations(spec);
        this.pod = JsonNodeFactory.instance.objectNode();
        pod.set("spec", spec);
        this.nodeName = spec.path("nodeName").asText("");
    }

    Verdict check(JsonNode node) {
        if (!nodeName.isEmpty() && !nodeName.equals(node.path("metadata").path("name").asText())) return Verdict.NO;
        if (!NodeMatching.matchesRequired(pod, node)) return Verdict.NO;
        if (NodeMatching.untoleratedTaint(pod, node, SCHEDULING_EFFECTS) == null) return Verdict.YES;
        return new Verdict(false, NodeMatching.untoleratedTaint(pod, node, EXECUTION_EFFECTS) == null);
    }
}
