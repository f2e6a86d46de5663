package dev.pier.cloud.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A node group's auto-repair rule (NKS's auto-healing): a node whose Ready condition has not been True for longer
 * than the group's {@code autoRepair.notReadySeconds} is replaced by a new machine.
 */
final class AutoRepair {
  private final boolean enabled;
  private final Duration threshold;

  private AutoRepair(boolean enabled, Duration threshold) {
    this.enabled = enabled;
    this.threshold = threshold;
  }

  static AutoRepair of(JsonNode groupSpec) {
    JsonNode rule = groupSpec.path("autoRepair");
    return new AutoRepair(rule.path("enabled").asBoolean(false), Duration.ofSeconds(rule.path("notReadySeconds").asLong(300)));
  }

  /**
   * For a node of the group: empty when it is healthy or repair is off; else how long until it is to be replaced
   * ({@link Duration#ZERO} or less: now).
   */
  Optional<Duration> replaceIn(JsonNode node, Instant now) {
    if (!enabled) return Optional.empty();
    for (JsonNode c : node.path("status").path("conditions")) {
      if (!c.path("type").asText().equals("Ready")) continue;
      if (c.path("status").asText().equals("True")) return Optional.empty();
      Instant since = parse(c.path("lastTransitionTime").asText(""));
      return Optional.of(Duration.between(now, (since == null ? now : since).plus(threshold)));
    }
    return Optional.empty(); // a node that never reported is still joining, not broken
  }

  Duration threshold() {
    return threshold;
  }

  private static Instant parse(String time) {
    try {
      return time.isEmpty() ? null : Instant.parse(time);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
