package dev.pier.controllers.daemonset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How soon a DaemonSet may replace a failed pod on a node again. A node that keeps failing its daemon pod
 * (a kubelet rejecting it) would otherwise see a delete and a create in a tight loop; the wait doubles from
 * one second to fifteen minutes per DaemonSet and node, and starts over once a node has been quiet for
 * twice the longest wait, as with Kubernetes' failedPodsBackoff.
 */
final class FailedPodBackoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(15);

    private record Entry(Duration delay, Instant last) {
    }

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    FailedPodBackoff(Clock clock) {
        this.clock = clock;
    }

    /** How long the key still waits; zero when a failed pod may be deleted now. */
    Duration remaining(String key) {
        Entry e = entries.get(key);
        if (e == null) return Duration.ZERO;
        Duration left = Duration.between(clock.instant(), e.last.plus(e.delay));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Records a deletion now: the next one waits longer. Keys quiet for long (nodes or DaemonSets gone) are dropped. */
    void next(String key) {
        Instant now = clock.instant();
        entries.values().removeIf(e -> Duration.between(e.last, now).compareTo(MAX.multipliedBy(2)) > 0);
        entries.compute(key, (k, e) -> {
            if (e == null || Duration.between(e.last, now).compareTo(MAX.multipliedBy(2)) > 0) return new Entry(INITIAL, now);
            Duration doubled = e.delay.multipliedBy(2);
            return new Entry(doubled.compareTo(MAX) > 0 ? MAX : doubled, now);
        });
    }
}
