package dev.pier.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A Deployment's status from its ReplicaSets (Kubernetes' calculateStatus) and its two conditions:
 * Available (minimum availability) and Progressing (created, progressing, complete, timed out, paused).
 */
final class DeploymentStatus {
    static final String AVAILABLE = "Available";
    static final String PROGRESSING = "Progressing";

    private DeploymentStatus() {
    }

    static ObjectNode calculate(JsonNode deployment, JsonNode newRs, List<JsonNode> all, Instant now) {
        int specTotal = 0, replicas = 0, ready = 0, available = 0;
        for (JsonNode rs : all) {
            specTotal += ReplicaSets.specReplicas(rs);
            replicas += ReplicaSets.status(rs, "replicas");
            ready += ReplicaSets.status(rs, "readyReplicas");
            available += ReplicaSets.status(rs, "availableReplicas");
        }
        JsonNode old = deployment.path("status");
        ObjectNode status = Json.object();
        status.put("observedGeneration", deployment.path("metadata").path("generation").asLong(1));
        status.put("replicas", replicas);
        status.put("updatedReplicas", newRs == null ? 0 : ReplicaSets.status(newRs, "replicas"));
        status.put("readyReplicas", ready);
        status.put("availableReplicas", available);
        status.put("unavailableReplicas", Math.max(specTotal - available, 0));
        if (old.has("collisionCount")) status.set("collisionCount", old.get("collisionCount"));
        status.set("conditions", old.path("conditions").isArray() ? old.get("conditions").deepCopy() : Json.object().arrayNode());

        int desired = RolloutMath.replicas(deployment);
        int minAvailable = desired - RolloutMath.limits(deployment).maxUnavailable();
        if (available >= minAvailable) {
            set(status, AVAILABLE, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now);
        } else {
            set(status, AVAILABLE, "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now);
        }
        // kubectl prints zero counts by their absence, as Kubernetes omits them
        for (String f : List.of("replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas")) {
            if (status.path(f).asInt() == 0) status.remove(f);
        }
        return status;
    }

    /** Every replica updated, present and available, and the current generation observed. */
    static boolean complete(JsonNode deployment, JsonNode status) {
        int desired = RolloutMath.replicas(deployment);
        return status.path("updatedReplicas").asInt(0) == desired && status.path("replicas").asInt(0) == desired
                && status.path("availableReplicas").asInt(0) == desired
                && status.path("observedGeneration").asLong() >= deployment.path("metadata").path("generation").asLong(1);
    }

    /** Whether the new status shows progress over the old one (more updated, ready or available, fewer old pods). */
    static boolean progressed(JsonNode old, JsonNode next) {
        int oldOld = old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0);
        int newOld = next.path("replicas").asInt(0) - next.path("updatedReplicas").asInt(0);
        return next.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0)
                || next.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
                || next.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0)
                || newOld < oldOld;
    }

    static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) if (c.path("type").asText().equals(type)) return c;
        return null;
    }

    /**
     * Sets a condition; lastTransitionTime moves only when the status flips, lastUpdateTime whenever
     * reason or message change (or {@code touch} asks, as "ReplicaSet is progressing" does).
     */
    static void set(ObjectNode status, String type, String value, String reason, String message, Instant now) {
        setCondition(status, type, value, reason, message, now, false);
    }

    static void setCondition(ObjectNode status, String type, String value, String reason, String message, Instant now, boolean touch) {
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode conditions = status.withArray("conditions");
        ObjectNode existing = null;
        for (JsonNode c : conditions) if (c.path("type").asText().equals(type)) existing = (ObjectNode) c;
        if (existing != null && existing.path("status").asText().equals(value)
                && existing.path("reason").asText().equals(reason) && existing.path("message").asText().equals(message) && !touch) {
            return;
        }
        ObjectNode c = Json.object();
        c.put("type", type);
        c.put("status", value);
        c.put("lastUpdateTime", time);
        c.put("lastTransitionTime", existing != null && existing.path("status").asText().equals(value)
                ? existing.path("lastTransitionTime").asText(time) : time);
        c.put("reason", reason);
        c.put("message", message);
        if (existing != null) {
            for (int i = 0; i < conditions.size(); i++) if (conditions.get(i) == existing) conditions.set(i, c);
        } else {
            conditions.add(c);
        }
    }

    static void remove(ObjectNode status, String type) {
        ArrayNode conditions = status.withArray("conditions");
        for (int i = conditions.size() - 1; i >= 0; i--) {
            if (conditions.get(i).path("type").asText().equals(type)) conditions.remove(i);
        }
    }
}
