package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pier.controllers.daemonset.Daemons.NOW;
import static dev.pier.controllers.daemonset.Daemons.deleting;
import static dev.pier.controllers.daemonset.Daemons.on;
import static dev.pier.controllers.daemonset.Daemons.pod;
import static org.assertj.core.api.Assertions.assertThat;

class RollingUpdateTest {
    private static final NodeEligibility.Verdict RUN = new NodeEligibility.Verdict(true, true);
    private static final NodeEligibility.Verdict NEVER = new NodeEligibility.Verdict(false, false);

    private static List<String> names(List<JsonNode> pods) {
        return pods.stream().map(p -> p.at("/metadata/name").asText()).toList();
    }

    private static List<NodePods> fourOldNodes() {
        return List.of(on("n1", RUN, pod("p1", "n1", "old", true)), on("n2", RUN, pod("p2", "n2", "old", true)),
                on("n3", RUN, pod("p3", "n3", "old", true)), on("n4", RUN, pod("p4", "n4", "old", true)));
    }

    @Test
    void withoutSurgeAtMostMaxUnavailableOldPodsGoAtOnce() {
        RollingUpdate.Step step = RollingUpdate.step(fourOldNodes(), new RollingUpdate.Limits(0, 1), "new", null, 0, NOW);
        assertThat(names(step.delete())).containsExactly("p1");
        assertThat(step.createOn()).isEmpty();
        assertThat(names(RollingUpdate.step(fourOldNodes(), new RollingUpdate.Limits(0, 2), "new", null, 0, NOW).delete()))
                .containsExactly("p1", "p2");
    }

    @Test
    void anUnavailableNewPodUsesUpTheBudget() {
        List<NodePods> nodes = List.of(on("n1", RUN, pod("p1", "n1", "new", false)), on("n2", RUN, pod("p2", "n2", "old", true)));
        assertThat(RollingUpdate.step(nodes, new RollingUpdate.Limits(0, 1), "new", null, 0, NOW).delete()).isEmpty();
        List<NodePods> replacing = List.of(on("n1", RUN, deleting(pod("p1", "n1", "old", true))), on("n2", RUN, pod("p2", "n2", "old", true)));
        assertThat(RollingUpdate.step(replacing, new RollingUpdate.Limits(0, 1), "new", null, 0, NOW).delete())
                .as("a node between pods counts as unavailable").isEmpty();
    }

    @Test
    void oldPodsThatAreNotAvailableAreReplacedRegardless() {
        List<NodePods> nodes = List.of(on("n1", RUN, pod("p1", "n1", "old", false)), on("n2", RUN, pod("p2", "n2", "old", false)),
                on("n3", RUN, pod("p3", "n3", "old", true)));
        assertThat(names(RollingUpdate.step(nodes, new RollingUpdate.Limits(0, 1), "new", null, 0, NOW).delete()))
                .containsExactly("p1", "p2");
    }

    @Test
    void withSurgeNewPodsStartNextToOldOnesWithinMaxSurge() {
        RollingUpdate.Step step = RollingUpdate.step(fourOldNodes(), new RollingUpdate.Limits(2, 0), "new", null, 0, NOW);
        assertThat(step.createOn()).containsExactly("n1", "n2");
        assertThat(step.delete()).isEmpty();

        List<NodePods> surged = List.of(on("n1", RUN, pod("p1", "n1", "old", true), pod("q1", "n1", "new", true)),
                on("n2", RUN, pod("p2", "n2", "old", true), pod("q2", "n2", "new", false)),
                on("n3", RUN, pod("p3", "n3", "old", true)));
        RollingUpdate.Step next = RollingUpdate.step(surged, new RollingUpdate.Limits(2, 0), "new", null, 0, NOW);
        assertThat(names(next.delete())).as("the old pod goes once the new one is available").containsExactly("p1");
        assertThat(next.createOn()).as("n2 still surging: one more may start").containsExactly("n3");
    }

    @Test
    void withSurgePodsOnNodesTheyNoLongerFitGoOnceEveryOtherNodeIsAvailable() {
        List<NodePods> nodes = List.of(on("n1", NEVER, pod("p1", "n1", "old", true)), on("n2", RUN, pod("p2", "n2", "new", true)));
        assertThat(names(RollingUpdate.step(nodes, new RollingUpdate.Limits(1, 0), "new", null, 0, NOW).delete())).containsExactly("p1");
        // as in Kubernetes the old pod itself counts as available: two nodes want the pod, only one has it available
        List<NodePods> busy = List.of(on("n1", NEVER, pod("p1", "n1", "old", true)), on("n2", RUN, pod("p2", "n2", "new", false)),
                on("n3", RUN, pod("p3", "n3", "new", false)));
        assertThat(RollingUpdate.step(busy, new RollingUpdate.Limits(1, 0), "new", null, 0, NOW).delete()).isEmpty();
    }

    @Test
    void limitsArePodCountsRoundedUpFromPercentages() {
        ObjectNode ds = Daemons.ds();
        ObjectNode rolling = ds.withObject("/spec/updateStrategy/rollingUpdate");
        rolling.put("maxUnavailable", "25%").put("maxSurge", 0);
        assertThat(RollingUpdate.Limits.of(ds, 5)).isEqualTo(new RollingUpdate.Limits(0, 2));
        rolling.put("maxUnavailable", 0).put("maxSurge", "10%");
        assertThat(RollingUpdate.Limits.of(ds, 5)).isEqualTo(new RollingUpdate.Limits(1, 0));
        rolling.put("maxUnavailable", "0%").set("maxSurge", Json.object().numberNode(0));
        assertThat(RollingUpdate.Limits.of(ds, 5)).as("an impossible 0 and 0 falls back to one").isEqualTo(new RollingUpdate.Limits(0, 1));
    }

    @Test
    void statusCountsPerNode() {
        ObjectNode ds = Daemons.ds();
        List<NodePods> nodes = List.of(on("n1", RUN, pod("p1", "n1", "new", true)), on("n2", RUN, pod("p2", "n2", "old", false)),
                on("n3", RUN), on("n4", NEVER, pod("p4", "n4", "old", true)), on("gone", null, pod("p5", "gone", "new", true)));
        ObjectNode status = DaemonSetStatus.of(ds, nodes, "new", 0, NOW);
        assertThat(status.toString()).isEqualTo("{\"currentNumberScheduled\":2,\"numberMisscheduled\":1,\"desiredNumberScheduled\":3,"
                + "\"numberReady\":1,\"observedGeneration\":1,\"updatedNumberScheduled\":1,\"numberAvailable\":1,\"numberUnavailable\":2}");
    }
}
