package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountWaitsTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final MountWaits waits = new MountWaits(new Clock() {
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
  });

  private static final VolumeNotReadyException WAITING = new VolumeNotReadyException("not attached", List.of("data", "logs"), List.of("data"));

  @Test
  void aWaitIsToldOnlyOnceItTimesOutAndThenAfterEachTimeout() {
    assertThat(waits.stillWaiting("u", WAITING)).isEmpty();
    now = now.plus(Duration.ofMinutes(2));
    assertThat(waits.stillWaiting("u", WAITING)).isEmpty();
    now = now.plusSeconds(3);
    assertThat(waits.stillWaiting("u", WAITING)).contains(
        "Unable to attach or mount volumes: unmounted volumes=[data logs], unattached volumes=[data]: timed out waiting for the condition");
    now = now.plusSeconds(60);
    assertThat(waits.stillWaiting("u", WAITING)).isEmpty();
    now = now.plus(MountWaits.TIMEOUT);
    assertThat(waits.stillWaiting("u", WAITING)).isPresent();
  }

  @Test
  void aFailureIsToldAtOnceAndRepeatedOnlyWhenItChangesOrAfterAMinute() {
    assertThat(waits.failureDue("u", "mkfs failed")).isTrue();
    now = now.plusSeconds(5);
    assertThat(waits.failureDue("u", "mkfs failed")).isFalse();
    assertThat(waits.failureDue("u", "mount failed")).isTrue();
    now = now.plus(MountWaits.REPEAT);
    assertThat(waits.failureDue("u", "mount failed")).isTrue();
  }

  @Test
  void aPodWhoseVolumesBecameReadyStartsAFreshWait() {
    waits.stillWaiting("u", WAITING);
    now = now.plus(MountWaits.TIMEOUT);
    waits.done("u");
    assertThat(waits.stillWaiting("u", WAITING)).isEmpty();
  }
}
