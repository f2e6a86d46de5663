package dev.pier.agent.kubelet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' back-off for restarting crashed containers and for pulling images: 10 s after a
 * failure that follows another, doubling to 5 minutes; an entry untouched for twice the maximum
 * starts over. The first failure is retried at once.
 */
final class Backoff {
  static final Duration INITIAL = Duration.ofSeconds(10);
  static final Duration MAX = Duration.ofMinutes(5);

  private record Entry(Duration backoff, Instant lastUpdate) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;

  Backoff(Clock clock) {
    this.clock = clock;
  }

  /** How long is left of the back-off counted from {@code since} (zero when none applies). */
  Duration remainingSince(String key, Instant since) {
    Entry e = entries.get(key);
    if (e == null || expired(e, since)) return Duration.ZERO;
    Duration left = e.backoff().minus(Duration.between(since, clock.instant()));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** How long is left of the back-off counted from the last recorded failure. */
  Duration remainingSinceUpdate(String key) {
    Entry e = entries.get(key);
    return e == null ? Duration.ZERO : remainingSince(key, e.lastUpdate());
  }

  /** Records a failure (or a restart after one) at {@code at}: the next wait doubles. */
  void next(String key, Instant at) {
    entries.compute(key, (k, e) -> {
      if (e == null || expired(e, at)) return new Entry(INITIAL, at);
      Duration doubled = e.backoff().multipliedBy(2);
      return new Entry(doubled.compareTo(MAX) > 0 ? MAX : doubled, at);
    });
  }

  /** The current wait of {@code key}, for messages such as "back-off 20s restarting failed container". */
  Duration current(String key) {
    Entry e = entries.get(key);
    return e == null ? INITIAL : e.backoff();
  }

  void forget(String key) {
    entries.remove(key);
  }

  void forgetPrefix(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private static boolean expired(Entry e, Instant at) {
    return Duration.between(e.lastUpdate(), at).compareTo(MAX.multipliedBy(2)) > 0;
  }
}
