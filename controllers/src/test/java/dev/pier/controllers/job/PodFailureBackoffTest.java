package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PodFailureBackoffTest {
    private static final Instant T = Instant.parse("2025-03-14T10:00:00Z");

    private static ObjectNode finished(String phase, Instant at) {
        ObjectNode pod = Json.object();
        pod.withObject("metadata").put("creationTimestamp", T.minusSeconds(3600).toString());
        pod.withObject("status").put("phase", phase).putArray("containerStatuses").addObject()
                .putObject("state").putObject("terminated").put("finishedAt", at.toString());
        return pod;
    }

    @Test
    void theWaitDoublesWithEachFailureUpToTenMinutes() {
        assertThat(new PodFailureBackoff.Failures(1, T).remaining(T)).isEqualTo(Duration.ofSeconds(10));
        assertThat(new PodFailureBackoff.Failures(2, T).remaining(T)).isEqualTo(Duration.ofSeconds(20));
        assertThat(new PodFailureBackoff.Failures(4, T).remaining(T)).isEqualTo(Duration.ofSeconds(80));
        assertThat(new PodFailureBackoff.Failures(7, T).remaining(T)).isEqualTo(Duration.ofSeconds(600));
        assertThat(new PodFailureBackoff.Failures(30, T).remaining(T)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theWaitCountsFromTheLastFailure() {
        PodFailureBackoff.Failures two = new PodFailureBackoff.Failures(2, T);
        assertThat(two.remaining(T.plusSeconds(15))).isEqualTo(Duration.ofSeconds(5));
        assertThat(two.remaining(T.plusSeconds(20))).isZero();
        assertThat(PodFailureBackoff.Failures.NONE.remaining(T)).isZero();
    }

    @Test
    void failuresAddUpAndASuccessKeepsOnlyThoseAfterIt() {
        PodFailureBackoff.Failures one = PodFailureBackoff.after(PodFailureBackoff.Failures.NONE, List.of(),
                List.of(finished("Failed", T.plusSeconds(5)), finished("Failed", T)));
        assertThat(one).isEqualTo(new PodFailureBackoff.Failures(2, T.plusSeconds(5)));
        PodFailureBackoff.Failures reset = PodFailureBackoff.after(one, List.of(finished("Succeeded", T.plusSeconds(8))),
                List.of(finished("Failed", T.plusSeconds(7)), finished("Failed", T.plusSeconds(9))));
        assertThat(reset).isEqualTo(new PodFailureBackoff.Failures(1, T.plusSeconds(9)));
        assertThat(PodFailureBackoff.after(one, List.of(finished("Succeeded", T.plusSeconds(8))), List.of()))
                .isEqualTo(PodFailureBackoff.Failures.NONE);
    }
}
