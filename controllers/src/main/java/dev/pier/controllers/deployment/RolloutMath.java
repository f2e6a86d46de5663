package dev.pier.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The arithmetic of a rolling update, as pure functions on numbers (Kubernetes' deployment util):
 * resolving maxSurge and maxUnavailable, how far the new ReplicaSet may grow, how far the old ones may
 * shrink, and how a resize is spread over several active ReplicaSets.
 */
final class RolloutMath {
    private RolloutMath() {
    }

    /** maxSurge and maxUnavailable as pod counts: surge rounds up, unavailable down, and both 0 means 1 unavailable. */
    record Limits(int maxSurge, int maxUnavailable) {
    }

    static Limits limits(JsonNode deployment) {
        int replicas = replicas(deployment);
        JsonNode strategy = deployment.path("spec").path("strategy");
        if (!strategy.path("type").asText("RollingUpdate").equals("RollingUpdate")) return new Limits(0, 0);
        JsonNode ru = strategy.path("rollingUpdate");
        int surge = resolve(ru.path("maxSurge"), "25%", replicas, true);
        int unavailable = resolve(ru.path("maxUnavailable"), "25%", replicas, false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return new Limits(surge, Math.min(unavailable, replicas));
    }

    /** An int-or-percent against {@code total}. */
    static int resolve(JsonNode value, String otherwise, int total, boolean roundUp) {
        String text = value.isMissingNode() || value.isNull() ? otherwise : value.asText();
        if (value.isIntegralNumber()) return value.asInt();
        if (text.endsWith("%")) {
            int percent = Integer.parseInt(text.substring(0, text.length() - 1));
            long scaled = (long) percent * total;
            return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
        }
        return Integer.parseInt(text);
    }

    static int replicas(JsonNode object) {
        return object.path("spec").path("replicas").asInt(1);
    }

    /** How many replicas the new ReplicaSet of a rolling update may have now. */
    static int newReplicaSetReplicas(int desired, int maxSurge, int allSpecReplicas, int newSpecReplicas) {
        int maxTotal = desired + maxSurge;
        if (allSpecReplicas >= maxTotal) return newSpecReplicas;
        int up = Math.min(maxTotal - allSpecReplicas, desired - newSpecReplicas);
        return newSpecReplicas + Math.max(up, 0);
    }

    /**
     * How many replicas a ReplicaSet gains (or loses) when the deployment resizes during a rollout:
     * its share of the new size, in proportion to the size it was given for ({@code max-replicas}),
     * bounded by what is left to hand out.
     */
    static int proportion(int rsReplicas, int annotatedMaxReplicas, int desired, int maxSurge, int toAdd, int added) {
        if (rsReplicas == 0 || toAdd == 0 || toAdd == added) return 0;
        int fraction;
        if (desired == 0) {
            fraction = -rsReplicas;
        } else {
            double size = (double) rsReplicas * (desired + maxSurge) / Math.max(annotatedMaxReplicas, 1);
            fraction = (int) Math.round(size) - rsReplicas;
        }
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    static int sum(List<Integer> values) {
        int s = 0;
        for (int v : values) s += v;
        return s;
    }
}
