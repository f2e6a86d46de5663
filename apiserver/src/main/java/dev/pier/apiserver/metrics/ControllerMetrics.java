package dev.pier.apiserver.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The controllers' and the scheduler's series, with the names and labels of client-go's work queue and
 * kube-scheduler, plus {@value Metrics#CELL} (the cell of the key or pod; "" for work that belongs to no cell,
 * which only the management cluster's admins see). Controllers and the scheduler only call these methods:
 * <pre>{@code
 * ControllerMetrics.WorkQueue queue = metrics.controllers().workQueue("deployment");
 * queue.added(cell);  queue.depth(cell, 12);       // a key entered the queue, which now holds 12
 * queue.taken(cell, waited);  ...  queue.done(cell, worked);   // a worker took it, then synced it
 * queue.retried(cell);                             // re-queued with back-off after an error
 * metrics.controllers().scheduleAttempt(cell, ControllerMetrics.ScheduleResult.SCHEDULED, took);
 * metrics.controllers().podScheduled(cell, attempts, sinceFirstAttempt);
 * }</pre>
 * A queue shared by every cell (as the controller manager's are) reports with cell "".
 */
public final class ControllerMetrics {
    /** client-go's work queue buckets: 10 ns to 1000 s, ten times apart. */
    private static final double[] QUEUE_BUCKETS = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};
    /** kube-scheduler's pod scheduling buckets: 10 ms doubling twenty times (about 1.5 hours). */
    private static final double[] SCHEDULING_BUCKETS = exponential(0.01, 2, 20);
    /** kube-scheduler's buckets for one attempt: 1 ms doubling fifteen times (about 16 s). */
    private static final double[] ATTEMPT_BUCKETS = exponential(0.001, 2, 15);
    /** Attempt counts above this are reported together, so that one pod that never fits cannot grow series without end. */
    private static final int MAX_ATTEMPTS_LABEL = 15;
    private static final String PROFILE = "default-scheduler";

    /** The outcome of one scheduling attempt, as kube-scheduler's {@code result} label says it. */
    public enum ScheduleResult {
        SCHEDULED, UNSCHEDULABLE, ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Gauge depth;
    private final Counter adds;
    private final Histogram queueDuration;
    private final Histogram workDuration;
    private final Counter retries;
    private final Counter scheduleAttempts;
    private final Histogram attemptDuration;
    private final Histogram podSchedulingDuration;

    ControllerMetrics(PrometheusRegistry registry) {
        depth = Gauge.builder().name("workqueue_depth").help("Current depth of workqueue")
                .labelNames(Metrics.CELL, "name").register(registry);
        adds = Counter.builder().name("workqueue_adds_total").help("Total number of adds handled by workqueue")
                .labelNames(Metrics.CELL, "name").register(registry);
        queueDuration = Histogram.builder().name("workqueue_queue_duration_seconds")
                .help("How long in seconds an item stays in workqueue before being requested.")
                .classicOnly().classicUpperBounds(QUEUE_BUCKETS).withoutExemplars()
                .labelNames(Metrics.CELL, "name").register(registry);
        workDuration = Histogram.builder().name("workqueue_work_duration_seconds")
                .help("How long in seconds processing an item from workqueue takes.")
                .classicOnly().classicUpperBounds(QUEUE_BUCKETS).withoutExemplars()
                .labelNames(Metrics.CELL, "name").register(registry);
        retries = Counter.builder().name("workqueue_retries_total").help("Total number of retries handled by workqueue")
                .labelNames(Metrics.CELL, "name").register(registry);
        scheduleAttempts = Counter.builder().name("scheduler_schedule_attempts_total")
                .help("Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.")
                .labelNames(Metrics.CELL, "result", "profile").register(registry);
        attemptDuration = Histogram.builder().name("scheduler_scheduling_attempt_duration_seconds")
                .help("Scheduling attempt latency in seconds (scheduling algorithm + binding)")
                .classicOnly().classicUpperBounds(ATTEMPT_BUCKETS).withoutExemplars()
                .labelNames(Metrics.CELL, "result", "profile").register(registry);
        podSchedulingDuration = Histogram.builder().name("scheduler_pod_scheduling_duration_seconds")
                .help("E2e latency for a pod being scheduled which may include multiple scheduling attempts.")
                .classicOnly().classicUpperBounds(SCHEDULING_BUCKETS).withoutExemplars()
                .labelNames(Metrics.CELL, "attempts").register(registry);
    }

    /**
     * The series of one work queue, by its name (as client-go names queues: the controller's name). Cheap:
     * call once per queue and keep the result.
     */
    public WorkQueue workQueue(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("a work queue needs a name");
        return new WorkQueue(this, name);
    }

    /** One attempt of the scheduler to place a pod of {@code cell}, which took {@code took}. */
    public void scheduleAttempt(String cell, ScheduleResult result, Duration took) {
        scheduleAttempts.labelValues(cell, result.label(), PROFILE).inc();
        attemptDuration.labelValues(cell, result.label(), PROFILE).observe(seconds(took));
    }

    /** A pod of {@code cell} was bound, after {@code attempts} attempts over {@code sinceFirstAttempt}. */
    public void podScheduled(String cell, int attempts, Duration sinceFirstAttempt) {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1 but was " + attempts);
        String label = attempts > MAX_ATTEMPTS_LABEL ? MAX_ATTEMPTS_LABEL + "+" : Integer.toString(attempts);
        podSchedulingDuration.labelValues(cell, label).observe(seconds(sinceFirstAttempt));
    }

    /** The {@code workqueue_*} series of one named queue. Thread-safe. */
    public static final class WorkQueue {
        private final ControllerMetrics m;
        private final String name;

        private WorkQueue(ControllerMetrics m, String name) {
            this.m = m;
            this.name = name;
        }

        /** A key of {@code cell} entered the queue (not counted again while it already waits there). */
        public void added(String cell) {
            m.adds.labelValues(cell, name).inc();
        }

        /** The queue now holds {@code keys} keys of {@code cell}. */
        public void depth(String cell, int keys) {
            m.depth.labelValues(cell, name).set(keys);
        }

        /** A worker took a key of {@code cell} after it {@code waited} in the queue. */
        public void taken(String cell, Duration waited) {
            m.queueDuration.labelValues(cell, name).observe(seconds(waited));
        }

        /** A worker finished syncing a key of {@code cell}, successfully or not, in {@code worked}. */
        public void done(String cell, Duration worked) {
            m.workDuration.labelValues(cell, name).observe(seconds(worked));
        }

        /** A key of {@code cell} was re-queued with back-off after a failed sync. */
        public void retried(String cell) {
            m.retries.labelValues(cell, name).inc();
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) b[i] = start * Math.pow(factor, i);
        return b;
    }
}
