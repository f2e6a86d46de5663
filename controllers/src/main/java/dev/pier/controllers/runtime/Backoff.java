package dev.pier.controllers.runtime;

import java.time.Duration;

/**
 * Per-key exponential back-off of a work queue (client-go's item exponential failure rate limiter):
 * the n-th consecutive failure of a key waits {@code base * 2^(n-1)}, at most {@code max}.
 */
public record Backoff(Duration base, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(5), Duration.ofMinutes(5));

    public Backoff {
        if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("back-off base must be positive, was " + base);
        if (max.compareTo(base) < 0) throw new IllegalArgumentException("back-off max " + max + " is below its base " + base);
    }

    /** The delay before retry number {@code failures} (1 for the first failure). */
    public Duration delay(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 40);
        long nanos = base.toNanos();
        if (shift >= 62 || nanos > max.toNanos() >> shift) return max;
        return Duration.ofNanos(nanos << shift);
    }
}
