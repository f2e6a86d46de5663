package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Backoff backoff = new Backoff(clock);

  @Test
  void theFirstFailureGoesAtOnceThenTenSecondsDoublingToFiveMinutes() {
    Instant crash = clock.instant();
    assertThat(backoff.remainingSince("c", crash)).isZero();
    backoff.next("c", crash);

    clock.advance(Duration.ofSeconds(1));
    Instant second = clock.instant();
    assertThat(backoff.remainingSince("c", second)).isEqualTo(Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(10));
    assertThat(backoff.remainingSince("c", second)).isZero();
    backoff.next("c", second);
    assertThat(backoff.current("c")).isEqualTo(Duration.ofSeconds(20));

    for (int i = 0; i < 10; i++) backoff.next("c", clock.instant());
    assertThat(backoff.current("c")).isEqualTo(Backoff.MAX);
  }

  @Test
  void anEntryLeftAloneForTwiceTheMaximumStartsOver() {
    backoff.next("c", clock.instant());
    backoff.next("c", clock.instant());
    assertThat(backoff.current("c")).isEqualTo(Duration.ofSeconds(20));
    clock.advance(Backoff.MAX.multipliedBy(2).plusSeconds(1));
    assertThat(backoff.remainingSince("c", clock.instant())).isZero();
    backoff.next("c", clock.instant());
    assertThat(backoff.current("c")).isEqualTo(Backoff.INITIAL);
  }

  @Test
  void pullsWaitFromTheirLastFailure() {
    assertThat(backoff.remainingSinceUpdate("uid/img")).isZero();
    backoff.next("uid/img", clock.instant());
    clock.advance(Duration.ofSeconds(4));
    assertThat(backoff.remainingSinceUpdate("uid/img")).isEqualTo(Duration.ofSeconds(6));
    backoff.forgetPrefix("uid/");
    assertThat(backoff.remainingSinceUpdate("uid/img")).isZero();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

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
}
