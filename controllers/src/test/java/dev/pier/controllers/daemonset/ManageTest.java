package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pier.controllers.daemonset.Daemons.NOW;
import static dev.pier.controllers.daemonset.Daemons.deleting;
import static dev.pier.controllers.daemonset.Daemons.on;
import static dev.pier.controllers.daemonset.Daemons.pod;
import static org.assertj.core.api.Assertions.assertThat;

class ManageTest {
    private static final NodeEligibility.Verdict RUN = new NodeEligibility.Verdict(true, true);
    private static final NodeEligibility.Verdict STAY_ONLY = new NodeEligibility.Verdict(false, true);
    private static final NodeEligibility.Verdict NEVER = new NodeEligibility.Verdict(false, false);

    private static List<String> names(List<JsonNode> pods) {
        return pods.stream().map(p -> p.at("/metadata/name").asText()).toList();
    }

    @Test
    void eligibleNodesWithoutAPodGetOne() {
        Manage.Plan plan = Manage.plan(List.of(on("n1", RUN), on("n2", RUN, pod("a", "n2", "h", true)), on("n3", NEVER),
                on("n4", STAY_ONLY)), "h", false, 0, NOW);
        assertThat(plan.createOn()).containsExactly("n1");
        assertThat(plan.delete()).isEmpty();
    }

    @Test
    void podsLeaveNodesTheyMayNoLongerStayOn() {
        Manage.Plan plan = Manage.plan(List.of(on("n1", NEVER, pod("a", "n1", "h", true), deleting(pod("b", "n1", "h", true))),
                on("n2", STAY_ONLY, pod("c", "n2", "h", true))), "h", false, 0, NOW);
        assertThat(names(plan.delete())).as("a pod already being deleted is not deleted again").containsExactly("a");
    }

    @Test
    void aNodeKeepsItsOldestPodAndWaitsForATerminatingOne() {
        var older = pod("old", "n1", "h", true);
        var newer = pod("new", "n1", "h", true);
        newer.withObject("/metadata").put("creationTimestamp", "2025-01-01T11:30:00Z");
        assertThat(names(Manage.plan(List.of(on("n1", RUN, newer, older)), "h", false, 0, NOW).delete())).containsExactly("new");
        Manage.Plan waiting = Manage.plan(List.of(on("n1", RUN, deleting(pod("gone", "n1", "h", true)))), "h", false, 0, NOW);
        assertThat(waiting.createOn()).as("no new pod until the old one is gone").isEmpty();
    }

    @Test
    void finishedPodsAreReplaced() {
        var failed = pod("failed", "n1", "h", false);
        failed.withObject("/status").put("phase", "Failed");
        var done = pod("done", "n2", "h", false);
        done.withObject("/status").put("phase", "Succeeded");
        Manage.Plan plan = Manage.plan(List.of(on("n1", RUN, failed), on("n2", RUN, done)), "h", false, 0, NOW);
        assertThat(names(plan.failed())).containsExactly("failed");
        assertThat(names(plan.delete())).containsExactly("done");
    }

    @Test
    void unboundPodsForANodeThatIsGoneAreDeleted() {
        var unbound = pod("lost", "gone", "h", false);
        unbound.withObject("/spec").remove("nodeName");
        Manage.Plan plan = Manage.plan(List.of(on("gone", null, unbound, pod("bound", "gone", "h", true))), "h", false, 0, NOW);
        assertThat(names(plan.delete())).as("a bound pod of a deleted node is the node lifecycle's to remove").containsExactly("lost");
    }

    @Test
    void withSurgeAnOldAndANewPodShareANodeUntilTheNewOneIsAvailable() {
        var old = pod("old", "n1", "h1", true);
        var fresh = pod("new", "n1", "h2", false);
        assertThat(Manage.plan(List.of(on("n1", RUN, old, fresh)), "h2", true, 0, NOW).delete()).isEmpty();
        var ready = pod("new", "n1", "h2", true);
        assertThat(names(Manage.plan(List.of(on("n1", RUN, old, ready)), "h2", true, 0, NOW).delete())).containsExactly("old");
        assertThat(Manage.plan(List.of(on("n1", RUN, old, ready)), "h2", true, 120, NOW).delete())
                .as("ready for 60 s of the 120 s minReadySeconds").isEmpty();
    }
}
