package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one sync of a StatefulSet does to its pods, decided from what the informers show (after Kubernetes'
 * updateStatefulSet), without writing anything; the controller carries the actions out in order.
 *
 * <ol>
 * <li>Replicas, lowest ordinal first: a finished pod is deleted (it is recreated once gone), a missing one
 * is created, a pending one gets its missing claims, a pod whose identity labels or claims drifted is
 * repaired. With OrderedReady the pass stops at the first pod it creates or deletes and at the first pod
 * that is not Running, Ready and available; with Parallel it goes through all.</li>
 * <li>Pods past the replica count (condemned), highest ordinal first, are deleted: with OrderedReady one
 * at a time, each once every replica is healthy and the one before has gone.</li>
 * <li>RollingUpdate: the highest ordinal at or above the partition that does not run the update revision is
 * deleted, one pod per sync, each after the one above it is healthy again; the replica pass recreates it
 * at the update revision. Ordinals below the partition stay at the current revision. OnDelete replaces
 * nothing: pods pick up the new template when someone deletes them.</li>
 * </ol>
 */
final class PodPlan {
    /** Something the controller does. */
    sealed interface Action permits Create, Delete, CreateClaims, Repair {
    }

    /** Create the pod of an ordinal (its claims first), from the update revision or the current one. */
    record Create(int ordinal, boolean atUpdateRevision) implements Action {
    }

    enum Why { FAILED, SUCCEEDED, SCALE_DOWN, UPDATE }

    record Delete(JsonNode pod, Why why) implements Action {
    }

    /** A pending pod's claims, any that are missing. */
    record CreateClaims(JsonNode pod) implements Action {
    }

    /** Put a pod's identity labels, claims and the claims' owner references right. */
    record Repair(JsonNode pod) implements Action {
    }

    /** What the plan needs to know about the claims of the set's pods. */
    interface ClaimState {
        /** A claim of this ordinal still belongs to an earlier pod of the same name: wait until it is gone. */
        boolean stale(JsonNode set, int ordinal);

        /** The claims' owner references are as the retention policy wants them. */
        boolean matchPolicy(JsonNode set, JsonNode pod);
    }

    record Plan(List<Action> actions) {
        /** Whether the plan deletes a pod to update it: status counts it out of the current revision at once. */
        boolean deletesForUpdate() {
            return actions.stream().anyMatch(a -> a instanceof Delete d && d.why() == Why.UPDATE);
        }
    }

    private static final Comparator<JsonNode> HIGHEST_ORDINAL_FIRST =
            Comparator.comparingInt((JsonNode p) -> Ordinals.of(p.path("metadata").path("name").asText())).reversed();

    private final JsonNode set;
    private final String updateRevision;
    private final ClaimState claims;
    private final Instant now;
    private final long minReady;
    private final boolean monotonic;
    private final List<Action> actions = new ArrayList<>();

    private PodPlan(JsonNode set, String updateRevision, ClaimState claims, Instant now) {
        this.set = set;
        this.updateRevision = updateRevision;
        this.claims = claims;
        this.now = now;
        this.minReady = set.path("spec").path("minReadySeconds").asLong(0);
        this.monotonic = !set.path("spec").path("podManagementPolicy").asText("OrderedReady").equals("Parallel");
    }

    /**
     * @param members        the set's pods (claimed, names of the form {@code <set>-<ordinal>})
     * @param updateRevision the name of the revision of the set's current template
     */
    static Plan of(JsonNode set, List<? extends JsonNode> members, String updateRevision, ClaimState claims, Instant now) {
        PodPlan p = new PodPlan(set, updateRevision, claims, now);
        if (set.path("metadata").hasNonNull("deletionTimestamp")) return new Plan(List.of());
        p.decide(members);
        return new Plan(List.copyOf(p.actions));
    }

    private void decide(List<? extends JsonNode> members) {
        int start = Ordinals.start(set);
        JsonNode[] replicas = new JsonNode[Ordinals.replicas(set)];
        List<JsonNode> condemned = new ArrayList<>();
        for (JsonNode pod : members) {
            int ordinal = Ordinals.of(pod.path("metadata").path("name").asText());
            if (Ordinals.inRange(set, ordinal)) replicas[ordinal - start] = pod;
            else if (ordinal >= 0) condemned.add(pod);
        }
        condemned.sort(HIGHEST_ORDINAL_FIRST);
        if (replicas(replicas, start)) return;
        for (JsonNode pod : condemned) if (!claims.matchPolicy(set, pod)) actions.add(new Repair(pod));
        if (condemned(condemned)) return;
        JsonNode strategy = set.path("spec").path("updateStrategy");
        if (strategy.path("type").asText("RollingUpdate").equals("OnDelete")) return;
        int partition = strategy.path("rollingUpdate").path("partition").asInt(0);
        for (int target = replicas.length - 1; target >= partition; target--) {
            JsonNode pod = replicas[target];
            if (pod == null) return; // created by this sync: it has to become healthy first
            if (!StatefulPods.revision(pod).equals(updateRevision) && !StatefulPods.isTerminating(pod)) {
                actions.add(new Delete(pod, Why.UPDATE));
                return;
            }
            if (!StatefulPods.isHealthy(pod, minReady, now)) return;
        }
    }

    /** The replica pass; true when it stops the sync. */
    private boolean replicas(JsonNode[] replicas, int start) {
        for (int i = 0; i < replicas.length; i++) {
            int ordinal = start + i;
            JsonNode pod = replicas[i];
            if (pod != null && StatefulPods.isFinished(pod)) {
                // recreated on a later sync, once the old pod is gone from the API
                if (!StatefulPods.isTerminating(pod)) {
                    actions.add(new Delete(pod, Pods.phase(pod).equals("Failed") ? Why.FAILED : Why.SUCCEEDED));
                }
                if (monotonic) return true;
                continue;
            }
            if (pod == null) {
                if (claims.stale(set, ordinal)) {
                    if (monotonic) return true;
                    continue;
                }
                actions.add(new Create(ordinal, atUpdateRevision(ordinal)));
                if (monotonic) return true;
                continue;
            }
            if (Pods.phase(pod).equals("Pending")) actions.add(new CreateClaims(pod));
            if (monotonic && !StatefulPods.isHealthy(pod, minReady, now)) return true;
            if (!StatefulPods.isTerminating(pod) && !(StatefulPods.identityMatches(set, pod)
                    && StatefulPods.storageMatches(set, pod) && claims.matchPolicy(set, pod))) {
                actions.add(new Repair(pod));
            }
        }
        return false;
    }

    /** The scale-down pass; true when it stops the sync. */
    private boolean condemned(List<JsonNode> condemned) {
        // with OrderedReady every replica is healthy here; the lowest unhealthy condemned pod may go regardless
        JsonNode firstUnhealthy = null;
        for (JsonNode pod : condemned.reversed()) {
            if (!StatefulPods.isHealthy(pod, minReady, now)) {
                firstUnhealthy = pod;
                break;
            }
        }
        for (JsonNode pod : condemned) {
            if (StatefulPods.isTerminating(pod)) {
                if (monotonic) return true;
                continue;
            }
            if (monotonic && pod != firstUnhealthy && !StatefulPods.isRunningAndAvailable(pod, minReady, now)) return true;
            actions.add(new Delete(pod, Why.SCALE_DOWN));
            if (monotonic) return true;
        }
        return false;
    }

    /**
     * Whether a new pod of this ordinal runs the update revision: every ordinal at or above the partition
     * does; below it, the current revision is kept (Kubernetes' newVersionedStatefulSetPod).
     */
    private boolean atUpdateRevision(int ordinal) {
        JsonNode strategy = set.path("spec").path("updateStrategy");
        if (!strategy.path("type").asText("RollingUpdate").equals("RollingUpdate")) return true;
        JsonNode rolling = strategy.get("rollingUpdate");
        if (rolling == null || rolling.isNull()) return ordinal >= Ordinals.start(set) + set.path("status").path("currentReplicas").asInt(0);
        return ordinal >= Ordinals.start(set) + rolling.path("partition").asInt(0);
    }
}
