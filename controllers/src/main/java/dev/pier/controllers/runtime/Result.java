package dev.pier.controllers.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What a sync asks of its work queue besides success: nothing, or to look at the key again after a
 * while (a Deployment waiting for minReadySeconds, a pod whose toleration runs out). Failures are
 * exceptions, retried with back-off.
 */
public record Result(Duration requeueAfter) {
    private static final Result DONE = new Result(null);

    public static Result done() {
        return DONE;
    }

    public static Result requeueAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) throw new IllegalArgumentException("requeue delay was negative: " + delay);
        return new Result(delay);
    }

    /** The sooner of two results' requeues. */
    public Result orSooner(Result other) {
        if (other.requeueAfter == null) return this;
        if (requeueAfter == null || other.requeueAfter.compareTo(requeueAfter) < 0) return other;
        return this;
    }
}
