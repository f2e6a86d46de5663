package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a DaemonSet's RollingUpdate (Kubernetes' rollingUpdate in the daemon controller). Without
 * surge, old pods are deleted while fewer than maxUnavailable nodes are unavailable, and the manage step
 * creates their replacements; an old pod that is not available anyway may always go. With maxSurge, a new
 * pod is started next to an old one on at most maxSurge nodes at a time (at once where the old pod is not
 * available), and the old pod goes once the new one is available. Pods being deleted do not count as
 * unavailable, so an update makes progress while nodes are down.
 */
final class RollingUpdate {
    /** What to do: old pods to delete, and nodes where a new pod starts next to the old one. */
    record Step(List<JsonNode> delete, List<String> createOn) {
    }

    /** maxSurge and maxUnavailable as pod counts for a number of nodes that should run the pod. */
    record Limits(int maxSurge, int maxUnavailable) {
        static Limits of(JsonNode ds, int desired) {
            JsonNode rolling = ds.path("spec").path("updateStrategy").path("rollingUpdate");
            int surge = scaled(rolling.get("maxSurge"), desired);
            int unavailable = scaled(rolling.get("maxUnavailable"), desired);
            // an impossible 0 and 0 from the API falls back to the default of one unavailable pod
            if (desired > 0 && surge == 0 && unavailable == 0) unavailable = 1;
            return new Limits(surge, unavailable);
        }

        /** An int or a percentage of {@code total}, rounded up as Kubernetes does for DaemonSets. */
        static int scaled(JsonNode value, int total) {
            if (value == null || value.isNull()) return 0;
            if (value.isNumber()) return value.asInt();
            String s = value.asText().trim();
            if (s.endsWith("%")) {
                int percent = Integer.parseInt(s.substring(0, s.length() - 1));
                return (int) Math.ceil(percent * (double) total / 100.0);
            }
            return Integer.parseInt(s);
        }
    }

    private RollingUpdate() {
    }

    static Step step(List<NodePods> nodes, Limits limits, String hash, String generation, long minReadySeconds, Instant now) {
        return limits.maxSurge() == 0
                ? withoutSurge(nodes, limits.maxUnavailable(), hash, generation, minReadySeconds, now)
                : withSurge(nodes, limits.maxSurge(), hash, generation, minReadySeconds, now);
    }

    private static Step withoutSurge(List<NodePods> nodes, int maxUnavailable, String hash, String generation,
                                     long minReadySeconds, Instant now) {
        int unavailable = 0;
        List<JsonNode> replaceAnyway = new ArrayList<>();
        List<JsonNode> candidates = new ArrayList<>();
        for (NodePods n : nodes) {
            if (!n.shouldRun() && n.pods().isEmpty()) continue;
            Pair p = Pair.of(n.pods(), hash, generation);
            if (p == null || p.old == null && p.updated == null || p.old != null && p.updated != null) {
                unavailable++; // the manage step has work to do here; count the node as unavailable meanwhile
            } else if (p.updated != null) {
                if (!Pods.isAvailable(p.updated, minReadySeconds, now)) unavailable++;
            } else if (!Pods.isAvailable(p.old, minReadySeconds, now)) {
                replaceAnyway.add(p.old);
                unavailable++;
            } else if (unavailable < maxUnavailable) {
                candidates.add(p.old);
            }
        }
        int room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.size()));
        List<JsonNode> delete = new ArrayList<>(replaceAnyway);
        delete.addAll(candidates.subList(0, room));
        return new Step(delete, List.of());
    }

    private static Step withSurge(List<NodePods> nodes, int maxSurge, String hash, String generation,
                                  long minReadySeconds, Instant now) {
        List<JsonNode> delete = new ArrayList<>();
        List<JsonNode> sunsetting = new ArrayList<>();
        List<String> surgeAnyway = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        int surging = 0;
        int available = 0;
        int desired = 0;
        for (NodePods n : nodes) {
            if (n.shouldRun()) desired++;
            if (!n.shouldRun() && n.pods().isEmpty()) continue;
            Pair p = Pair.of(n.pods(), hash, generation);
            if (p == null) {
                surging++; // the manage step prunes the extra pods first
                continue;
            }
            if (p.old != null ? Pods.isAvailable(p.old, minReadySeconds, now)
                    : p.updated != null && Pods.isAvailable(p.updated, minReadySeconds, now)) {
                available++;
            }
            if (p.old == null) continue; // nothing old here: the manage step creates what is missing
            if (p.updated == null) {
                if (!Pods.isAvailable(p.old, minReadySeconds, now)) {
                    if (n.shouldRun()) surgeAnyway.add(n.node());
                    else delete.add(p.old);
                } else if (!n.shouldRun()) {
                    sunsetting.add(p.old);
                } else if (surging < maxSurge) {
                    candidates.add(n.node());
                }
            } else if (!Pods.isAvailable(p.updated, minReadySeconds, now)) {
                surging++;
            } else {
                delete.add(p.old);
            }
        }
        int room = Math.max(0, Math.min(maxSurge - surging, candidates.size()));
        List<String> createOn = new ArrayList<>(surgeAnyway);
        createOn.addAll(candidates.subList(0, room));
        // pods on nodes they no longer fit go only once every node that should run the pod has it available
        if (desired - available <= 0) delete.addAll(sunsetting);
        return new Step(delete, createOn);
    }

    /** The one up-to-date and the one old pod on a node; null when there are more of either (manage prunes them first). */
    private record Pair(JsonNode updated, JsonNode old) {
        static Pair of(List<JsonNode> pods, String hash, String generation) {
            JsonNode updated = null;
            JsonNode old = null;
            for (JsonNode pod : pods) {
                if (Owners.isBeingDeleted(pod)) continue;
                if (DaemonPods.isUpdated(pod, hash, generation)) {
                    if (updated != null) return null;
                    updated = pod;
                } else {
                    if (old != null) return null;
                    old = pod;
                }
            }
            return new Pair(updated, old);
        }
    }
}
