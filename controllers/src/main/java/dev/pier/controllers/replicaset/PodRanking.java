package dev.pier.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

/**
 * Which pods a scale-down removes first, least useful first, after Kubernetes' ActivePods ordering:
 * unscheduled before scheduled, pending before unknown before running, not ready before ready, ready
 * for less time before ready for longer, more restarts before fewer, newer before older.
 */
final class PodRanking {
    private static final Map<String, Integer> PHASE = Map.of("Pending", 0, "Unknown", 1, "Running", 2);

    static final Comparator<JsonNode> LEAST_USEFUL_FIRST = Comparator
            .comparing((JsonNode p) -> !p.path("spec").path("nodeName").asText("").isEmpty())
            .thenComparing(p -> PHASE.getOrDefault(Pods.phase(p), 3))
            .thenComparing(Pods::isReady)
            .thenComparing(PodRanking::readySince, Comparator.reverseOrder())
            .thenComparing(Pods::restarts, Comparator.reverseOrder())
            .thenComparing(p -> p.path("metadata").path("creationTimestamp").asText(""), Comparator.reverseOrder());

    private PodRanking() {
    }

    private static Instant readySince(JsonNode pod) {
        Instant since = Pods.readySince(pod);
        return since == null ? Instant.MAX : since;
    }
}
