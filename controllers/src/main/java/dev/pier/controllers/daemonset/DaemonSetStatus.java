package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A DaemonSet's status counts, per node that exists (Kubernetes' updateDaemonSetStatus): nodes that should
 * run the pod (desired), those of them that have one (current), whose oldest pod is ready, available and
 * up to date, and nodes that have a pod but should not (misscheduled). {@code kubectl rollout status}
 * waits for updated and available to reach desired at the observed generation.
 */
final class DaemonSetStatus {
    private DaemonSetStatus() {
    }

    static ObjectNode of(JsonNode ds, List<NodePods> nodes, String hash, int collisionCount, Instant now) {
        long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
        String generation = DaemonPods.templateGeneration(ds);
        int desired = 0;
        int current = 0;
        int misscheduled = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        for (NodePods n : nodes) {
            if (n.verdict() == null) continue;
            boolean scheduled = !n.pods().isEmpty();
            if (!n.shouldRun()) {
                if (scheduled) misscheduled++;
                continue;
            }
            desired++;
            if (!scheduled) continue;
            current++;
            List<JsonNode> pods = new ArrayList<>(n.pods());
            pods.sort(DaemonPods.OLDEST_SCHEDULED_FIRST);
            JsonNode pod = pods.getFirst();
            if (Pods.isReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, minReady, now)) available++;
            }
            if (DaemonPods.isUpdated(pod, hash, generation)) updated++;
        }
        ObjectNode status = Json.object();
        status.put("currentNumberScheduled", current);
        status.put("numberMisscheduled", misscheduled);
        status.put("desiredNumberScheduled", desired);
        status.put("numberReady", ready);
        Tree.putNumber(status, "observedGeneration", ds.path("metadata").path("generation").asLong(1));
        if (updated > 0) status.put("updatedNumberScheduled", updated);
        if (available > 0) status.put("numberAvailable", available);
        if (desired - available > 0) status.put("numberUnavailable", desired - available);
        if (collisionCount > 0) status.put("collisionCount", collisionCount);
        return status;
    }
}
