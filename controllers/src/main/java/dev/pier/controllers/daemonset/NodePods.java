package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One node as a DaemonSet sync sees it: whether it should run the daemon pod, and the daemon pods meant for
 * it, leaving out those already finished and being removed.
 *
 * @param verdict null when the node no longer exists
 * @param pods    empty when no pod targets the node
 */
record NodePods(String node, NodeEligibility.Verdict verdict, List<JsonNode> pods) {
    boolean shouldRun() {
        return verdict != null && verdict.shouldRun();
    }

    boolean shouldKeepRunning() {
        return verdict != null && verdict.shouldKeepRunning();
    }
}
