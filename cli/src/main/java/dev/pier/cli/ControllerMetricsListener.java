package dev.pier.cli;

import dev.pier.apiserver.metrics.ControllerMetrics;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.scheduler.Scheduler;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connects the controller manager's work queues and the scheduler to Pier's metrics ({@code workqueue_*},
 * {@code scheduler_*}). The manager's queues serve every cell, so their series carry no cell (cell ""):
 * only the management cluster's admins see them. Scheduling attempts carry the pod's cell.
 */
final class ControllerMetricsListener implements WorkQueue.QueueListener, Scheduler.SchedulingMetrics {
    private static final String NO_CELL = "";

    private final ControllerMetrics metrics;
    private final Map<String, ControllerMetrics.WorkQueue> queues = new ConcurrentHashMap<>();

    ControllerMetricsListener(ControllerMetrics metrics) {
        this.metrics = metrics;
    }

    private ControllerMetrics.WorkQueue queue(String name) {
        return queues.computeIfAbsent(name, metrics::workQueue);
    }

    @Override
    public void added(String queue) {
        queue(queue).added(NO_CELL);
    }

    @Override
    public void depth(String queue, int depth) {
        queue(queue).depth(NO_CELL, depth);
    }

    @Override
    public void retried(String queue) {
        queue(queue).retried(NO_CELL);
    }

    @Override
    public void taken(String queue, long waitedNanos) {
        queue(queue).taken(NO_CELL, Duration.ofNanos(waitedNanos));
    }

    @Override
    public void worked(String queue, long workedNanos) {
        queue(queue).done(NO_CELL, Duration.ofNanos(workedNanos));
    }

    @Override
    public void scheduled(String cell, int attempts, double secondsSinceFirstAttempt) {
        metrics.podScheduled(cell, attempts, Duration.ofNanos((long) (secondsSinceFirstAttempt * 1e9)));
    }

    @Override
    public void attempt(String cell, String result, double seconds) {
        metrics.scheduleAttempt(cell, ControllerMetrics.ScheduleResult.valueOf(result.toUpperCase(Locale.ROOT)),
                Duration.ofNanos((long) (seconds * 1e9)));
    }
}
