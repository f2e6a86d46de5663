package dev.pier.controllers;

import dev.pier.controllers.runtime.WorkQueue;

import java.time.Duration;

/**
 * Settings of the controller manager.
 *
 * @param nodeMonitorGracePeriod how long a node may stay silent before it is Ready=Unknown and tainted
 *                               unreachable (Kubernetes' default: 40 s)
 * @param queueListener          where work queues report their depth and latencies (metrics)
 */
public record ControllerOptions(Duration nodeMonitorGracePeriod, WorkQueue.QueueListener queueListener) {
    public static final Duration DEFAULT_NODE_MONITOR_GRACE_PERIOD = Duration.ofSeconds(40);

    public ControllerOptions {
        if (nodeMonitorGracePeriod.isNegative() || nodeMonitorGracePeriod.isZero()) {
            throw new IllegalArgumentException("node monitor grace period must be positive, was " + nodeMonitorGracePeriod);
        }
    }

    public static ControllerOptions defaults() {
        return new ControllerOptions(DEFAULT_NODE_MONITOR_GRACE_PERIOD, WorkQueue.QueueListener.NONE);
    }
}
