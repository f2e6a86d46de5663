package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.agent.cri.ImageInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ImageGarbageCollectorTest {
  private static final String PAUSE = "registry.k8s.io/pause:3.9";
  private final ImageGarbageCollector.Policy policy = new ImageGarbageCollector.Policy(85, 80, Duration.ofMinutes(2), PAUSE);
  private final Instant now = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void nothingIsFreedBelowTheHighThresholdAndDownToTheLowOneAbove() {
    assertThat(ImageGarbageCollector.bytesToFree(1000, 849, policy)).isZero();
    assertThat(ImageGarbageCollector.bytesToFree(1000, 900, policy)).isEqualTo(100);
  }

  @Test
  void theLongestUnusedGoFirstButNotTheSandboxImagePinnedOrRecentlyUsedOnes() {
    var oldest = image("a", "docker.io/library/old:1", 60, false);
    var older = image("b", "docker.io/library/older:1", 50, false);
    var recent = image("c", "docker.io/library/recent:1", 50, false);
    var pause = image("p", PAUSE, 10, false);
    var pinned = image("x", "docker.io/library/pinned:1", 10, true);
    Map<String, Instant> unusedSince = Map.of(
        "a", now.minus(Duration.ofHours(3)), "b", now.minus(Duration.ofHours(1)), "c", now.minusSeconds(30),
        "p", now.minus(Duration.ofDays(1)), "x", now.minus(Duration.ofDays(1)));

    assertThat(ImageGarbageCollector.choose(List.of(recent, older, pause, oldest, pinned), unusedSince, now, policy, 70))
        .containsExactly(oldest, older);
    assertThat(ImageGarbageCollector.choose(List.of(recent, older, pause, oldest, pinned), unusedSince, now, policy, 10))
        .containsExactly(oldest);
  }

  @Test
  void thresholdsAreChecked() {
    assertThatThrownBy(() -> new ImageGarbageCollector.Policy(70, 80, Duration.ZERO, PAUSE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low <= high");
  }

  private static ImageInfo image(String id, String tag, long size, boolean pinned) {
    return new ImageInfo(id, List.of(tag), List.of(), size, OptionalLong.empty(), "", pinned);
  }
}
