package dev.pier.controllers.daemonset;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class FailedPodBackoffTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theWaitDoublesPerNodeAndStartsOverAfterAQuietSpell() {
        ManualClock clock = new ManualClock();
        FailedPodBackoff backoff = new FailedPodBackoff(clock);
        assertThat(backoff.remaining("ds/n1")).isZero();
        backoff.next("ds/n1");
        assertThat(backoff.remaining("ds/n1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.remaining("ds/n2")).as("per node").isZero();
        clock.now = clock.now.plusSeconds(1);
        assertThat(backoff.remaining("ds/n1")).isZero();
        backoff.next("ds/n1");
        assertThat(backoff.remaining("ds/n1")).isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) backoff.next("ds/n1");
        assertThat(backoff.remaining("ds/n1")).isEqualTo(FailedPodBackoff.MAX);
        clock.now = clock.now.plus(FailedPodBackoff.MAX.multipliedBy(2)).plusSeconds(1);
        backoff.next("ds/n1");
        assertThat(backoff.remaining("ds/n1")).isEqualTo(FailedPodBackoff.INITIAL);
    }
}
