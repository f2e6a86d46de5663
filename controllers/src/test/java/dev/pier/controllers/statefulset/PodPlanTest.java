package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pier.controllers.statefulset.Sets.NOW;
import static dev.pier.controllers.statefulset.Sets.pod;
import static dev.pier.controllers.statefulset.Sets.running;
import static dev.pier.controllers.statefulset.Sets.set;
import static dev.pier.controllers.statefulset.Sets.terminating;
import static org.assertj.core.api.Assertions.assertThat;

class PodPlanTest {
    /** Claims that never block and always match the retention policy. */
    private static final PodPlan.ClaimState CLAIMS_FINE = new PodPlan.ClaimState() {
        @Override
        public boolean stale(JsonNode set, int ordinal) {
            return false;
        }

        @Override
        public boolean matchPolicy(JsonNode set, JsonNode pod) {
            return true;
        }
    };

    private static List<String> plan(ObjectNode set, List<? extends JsonNode> pods, String updateRevision) {
        return PodPlan.of(set, pods, updateRevision, CLAIMS_FINE, NOW).actions().stream().map(PodPlanTest::describe).toList();
    }

    private static String describe(PodPlan.Action a) {
        return switch (a) {
            case PodPlan.Create c -> "create " + c.ordinal() + (c.atUpdateRevision() ? " at update" : " at current");
            case PodPlan.Delete d -> "delete " + d.pod().at("/metadata/name").asText() + " " + d.why();
            case PodPlan.CreateClaims c -> "claims " + c.pod().at("/metadata/name").asText();
            case PodPlan.Repair r -> "repair " + r.pod().at("/metadata/name").asText();
        };
    }

    @Test
    void orderedReadyCreatesOnePodAtATimeEachAfterItsPredecessorIsReady() {
        ObjectNode set = set(3, "OrderedReady");
        assertThat(plan(set, List.of(), "r1")).containsExactly("create 0 at update");
        assertThat(plan(set, List.of(pod(0, "r1", "Pending", false)), "r1"))
                .as("web-0 is pending: its claims are made sure of, and web-1 waits").containsExactly("claims web-0");
        assertThat(plan(set, List.of(pod(0, "r1", "Running", false)), "r1")).as("running but not ready").isEmpty();
        assertThat(plan(set, List.of(running(0, "r1")), "r1")).containsExactly("create 1 at update");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1")), "r1")).containsExactly("create 2 at update");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r1")), "r1")).isEmpty();
    }

    @Test
    void orderedReadyWaitsForMinReadySeconds() {
        ObjectNode set = set(2, "OrderedReady");
        set.withObject("/spec").put("minReadySeconds", 120); // web-0 became ready 60 s ago
        assertThat(plan(set, List.of(running(0, "r1")), "r1")).isEmpty();
        set.withObject("/spec").put("minReadySeconds", 30);
        assertThat(plan(set, List.of(running(0, "r1")), "r1")).containsExactly("create 1 at update");
    }

    @Test
    void parallelCreatesEveryMissingPodAtOnce() {
        ObjectNode set = set(3, "Parallel");
        assertThat(plan(set, List.of(pod(1, "r1", "Pending", false)), "r1"))
                .containsExactly("create 0 at update", "claims web-1", "create 2 at update");
    }

    @Test
    void orderedReadyScalesDownFromTheHighestOrdinalOneAtATime() {
        ObjectNode set = set(1, "OrderedReady");
        List<ObjectNode> three = List.of(running(0, "r1"), running(1, "r1"), running(2, "r1"));
        assertThat(plan(set, three, "r1")).containsExactly("delete web-2 SCALE_DOWN");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), terminating(running(2, "r1"))), "r1"))
                .as("web-1 waits until web-2 is gone").isEmpty();
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1")), "r1")).containsExactly("delete web-1 SCALE_DOWN");
    }

    @Test
    void orderedReadyScaleDownWaitsForUnhealthyReplicasButNotForTheFirstUnhealthyCondemnedPod() {
        ObjectNode set = set(1, "OrderedReady");
        assertThat(plan(set, List.of(pod(0, "r1", "Running", false), running(1, "r1")), "r1"))
                .as("a replica is not ready: nothing goes").isEmpty();
        assertThat(plan(set, List.of(running(0, "r1"), pod(1, "r1", "Pending", false), pod(2, "r1", "Pending", false)), "r1"))
                .as("web-2 is unhealthy and web-1 is the first unhealthy pod: web-2 waits").isEmpty();
        assertThat(plan(set, List.of(running(0, "r1"), pod(1, "r1", "Pending", false), running(2, "r1")), "r1"))
                .as("a healthy web-2 goes first anyway").containsExactly("delete web-2 SCALE_DOWN");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), pod(2, "r1", "Pending", false)), "r1"))
                .as("the unhealthy highest pod may go").containsExactly("delete web-2 SCALE_DOWN");
    }

    @Test
    void parallelScalesDownEverythingAtOnce() {
        ObjectNode set = set(1, "Parallel");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r1")), "r1"))
                .containsExactly("delete web-2 SCALE_DOWN", "delete web-1 SCALE_DOWN");
    }

    @Test
    void rollingUpdateReplacesTheHighestOrdinalFirstOnePodAtATime() {
        ObjectNode set = set(3, "OrderedReady");
        List<ObjectNode> old = List.of(running(0, "r1"), running(1, "r1"), running(2, "r1"));
        assertThat(plan(set, old, "r2")).containsExactly("delete web-2 UPDATE");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), terminating(running(2, "r1"))), "r2"))
                .as("waits for web-2 to go").isEmpty();
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1")), "r2")).containsExactly("create 2 at update");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), pod(2, "r2", "Pending", false)), "r2"))
                .as("web-1 waits until the new web-2 is ready").containsExactly("claims web-2");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r2")), "r2")).containsExactly("delete web-1 UPDATE");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r2"), running(2, "r2")), "r2")).containsExactly("delete web-0 UPDATE");
        assertThat(plan(set, List.of(running(0, "r2"), running(1, "r2"), running(2, "r2")), "r2")).isEmpty();
    }

    @Test
    void partitionHoldsLowerOrdinalsAtTheCurrentRevision() {
        ObjectNode set = Sets.partition(set(3, "OrderedReady"), 2);
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r1")), "r2")).containsExactly("delete web-2 UPDATE");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r2")), "r2"))
                .as("web-0 and web-1 are below the partition").isEmpty();
        assertThat(plan(set, List.of(running(0, "r1")), "r2")).as("recreated below the partition: current revision")
                .containsExactly("create 1 at current");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1")), "r2")).containsExactly("create 2 at update");
    }

    @Test
    void onDeleteNeverReplacesPodsItself() {
        ObjectNode set = set(2, "OrderedReady");
        set.withObject("/spec").putObject("updateStrategy").put("type", "OnDelete");
        assertThat(plan(set, List.of(running(0, "r1"), running(1, "r1")), "r2")).isEmpty();
        assertThat(plan(set, List.of(running(0, "r1")), "r2")).as("a deleted pod comes back at the new revision")
                .containsExactly("create 1 at update");
    }

    @Test
    void finishedPodsAreDeletedAndRecreatedOnceGone() {
        ObjectNode set = set(2, "OrderedReady");
        assertThat(plan(set, List.of(pod(0, "r1", "Failed", false), running(1, "r1")), "r1")).containsExactly("delete web-0 FAILED");
        assertThat(plan(set, List.of(terminating(pod(0, "r1", "Failed", false)), running(1, "r1")), "r1")).isEmpty();
        assertThat(plan(set, List.of(running(1, "r1")), "r1")).containsExactly("create 0 at update");
    }

    @Test
    void aPodWithoutItsIdentityLabelsIsRepaired() {
        ObjectNode set = set(1, "OrderedReady");
        ObjectNode adopted = running(0, "r1");
        adopted.withObject("/metadata/labels").remove("statefulset.kubernetes.io/pod-name");
        assertThat(plan(set, List.of(adopted), "r1")).containsExactly("repair web-0");
    }

    @Test
    void aStaleClaimBlocksThePodOfItsOrdinal() {
        PodPlan.ClaimState stale = new PodPlan.ClaimState() {
            @Override
            public boolean stale(JsonNode set, int ordinal) {
                return ordinal == 1;
            }

            @Override
            public boolean matchPolicy(JsonNode set, JsonNode pod) {
                return true;
            }
        };
        assertThat(PodPlan.of(set(3, "OrderedReady"), List.of(running(0, "r1")), "r1", stale, NOW).actions()).isEmpty();
        assertThat(PodPlan.of(set(3, "Parallel"), List.of(running(0, "r1")), "r1", stale, NOW).actions())
                .extracting(PodPlanTest::describe).containsExactly("create 2 at update");
    }

    @Test
    void statusCountsRevisionsAndCompletesTheRollingUpdate() {
        ObjectNode set = set(3, "OrderedReady");
        ObjectNode midway = StatefulSetStatus.of(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r2")),
                "r1", "r2", 0, false, NOW);
        assertThat(midway.toString()).contains("\"replicas\":3", "\"readyReplicas\":3", "\"currentReplicas\":2",
                "\"updatedReplicas\":1", "\"currentRevision\":\"r1\"", "\"updateRevision\":\"r2\"", "\"availableReplicas\":3");
        ObjectNode done = StatefulSetStatus.of(set, List.of(running(0, "r2"), running(1, "r2"), running(2, "r2")),
                "r1", "r2", 0, false, NOW);
        assertThat(done.path("currentRevision").asText()).isEqualTo("r2");
        assertThat(done.path("currentReplicas").asInt()).isEqualTo(3);
        ObjectNode deleting = StatefulSetStatus.of(set, List.of(running(0, "r1"), running(1, "r1"), running(2, "r1")),
                "r1", "r2", 0, true, NOW);
        assertThat(deleting.path("currentReplicas").asInt()).as("the pod deleted for the update no longer counts").isEqualTo(2);
    }
}
