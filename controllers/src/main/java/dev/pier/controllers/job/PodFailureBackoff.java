package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.ObjectKey;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a job waits before it replaces failed pods: 10 s after one failure since the last success,
 * doubling with each further failure, at most 10 minutes, counted from the last failure (Kubernetes' pod
 * failure back-off). Kept in memory per job, as Kubernetes does, so a restart forgets it.
 */
final class PodFailureBackoff {
    static final Duration BASE = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(10);

    /** Failures since the last success and when the last of them happened (null when none). */
    record Failures(int sinceLastSuccess, Instant last) {
        static final Failures NONE = new Failures(0, null);

        /** The wait still left at {@code now} before new pods may be created. */
        Duration remaining(Instant now) {
            if (sinceLastSuccess == 0 || last == null) return Duration.ZERO;
            Duration delay = BASE;
            for (int i = 1; i < sinceLastSuccess && delay.compareTo(MAX) < 0; i++) delay = delay.multipliedBy(2);
            if (delay.compareTo(MAX) > 0) delay = MAX;
            Duration elapsed = Duration.between(last, now);
            return elapsed.compareTo(delay) >= 0 ? Duration.ZERO : delay.minus(elapsed);
        }
    }

    private final Map<ObjectKey, Failures> byJob = new ConcurrentHashMap<>();

    /** The job's failures once the pods that finished since it was last counted are added; not stored yet. */
    Failures next(ObjectKey job, List<? extends JsonNode> newSucceeded, List<? extends JsonNode> newFailed) {
        Failures old = byJob.getOrDefault(job, Failures.NONE);
        return after(old, newSucceeded, newFailed);
    }

    static Failures after(Failures old, List<? extends JsonNode> newSucceeded, List<? extends JsonNode> newFailed) {
        if (newSucceeded.isEmpty() && newFailed.isEmpty()) return old;
        List<Instant> failed = new ArrayList<>(newFailed.stream().map(JobPods::finishedAt).toList());
        failed.sort(Comparator.naturalOrder());
        if (newSucceeded.isEmpty()) return new Failures(old.sinceLastSuccess + failed.size(), failed.getLast());
        // a success resets the count: only failures after the latest success remain
        Instant lastSuccess = newSucceeded.stream().map(JobPods::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
        List<Instant> after = failed.stream().filter(t -> t.isAfter(lastSuccess)).toList();
        return after.isEmpty() ? Failures.NONE : new Failures(after.size(), after.getLast());
    }

    void store(ObjectKey job, Failures failures) {
        if (failures.sinceLastSuccess == 0) byJob.remove(job);
        else byJob.put(job, failures);
    }

    void forget(ObjectKey job) {
        byJob.remove(job);
    }
}
