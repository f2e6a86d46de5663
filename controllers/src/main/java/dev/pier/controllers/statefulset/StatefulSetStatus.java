package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.Tree;

import java.time.Instant;
import java.util.List;

/**
 * A StatefulSet's status (Kubernetes' updateStatus and completeRollingUpdate): its pods counted as created,
 * ready, available, at the current and at the update revision; once a RollingUpdate has every pod updated
 * and ready, the update revision becomes the current one. {@code kubectl rollout status} reads these.
 */
final class StatefulSetStatus {
    private StatefulSetStatus() {
    }

    /**
     * @param members          the set's pods as this sync found them
     * @param deletedForUpdate this sync deleted a pod to update it: it no longer counts as current
     */
    static ObjectNode of(JsonNode set, List<? extends JsonNode> members, String currentRevision, String updateRevision,
                         int collisionCount, boolean deletedForUpdate, Instant now) {
        long minReady = set.path("spec").path("minReadySeconds").asLong(0);
        int replicas = 0;
        int ready = 0;
        int available = 0;
        int current = 0;
        int updated = 0;
        for (JsonNode pod : members) {
            replicas++;
            if (StatefulPods.isRunningAndReady(pod)) {
                ready++;
                if (StatefulPods.isRunningAndAvailable(pod, minReady, now)) available++;
            }
            if (!StatefulPods.isTerminating(pod)) {
                String revision = StatefulPods.revision(pod);
                if (revision.equals(currentRevision)) current++;
                if (revision.equals(updateRevision)) updated++;
            }
        }
        if (deletedForUpdate && current > 0) current--;
        boolean rolling = set.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate");
        if (rolling && updated == replicas && ready == replicas) {
            current = updated;
            currentRevision = updateRevision;
        }
        ObjectNode status = Json.object();
        Tree.putNumber(status, "observedGeneration", set.path("metadata").path("generation").asLong(1));
        status.put("replicas", replicas);
        if (ready > 0) status.put("readyReplicas", ready);
        if (current > 0) status.put("currentReplicas", current);
        if (updated > 0) status.put("updatedReplicas", updated);
        status.put("currentRevision", currentRevision);
        status.put("updateRevision", updateRevision);
        status.put("collisionCount", collisionCount);
        status.put("availableReplicas", available);
        return status;
    }
}
