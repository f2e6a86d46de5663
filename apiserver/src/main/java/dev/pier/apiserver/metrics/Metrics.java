package dev.pier.apiserver.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics of one Pier process: a single Prometheus registry (Prometheus' own Java client) with the API
 * server's, storage's and controllers' series and the JVM's, served in Prometheus' text format at
 * {@code GET /metrics} (everything, to the management cluster's admins) and {@code GET /clusters/<name>/metrics}
 * (that cell's series only, to that cell's admins). Made once per process and handed to what records.
 *
 * <p><b>Registering more series.</b> Build them with Prometheus' builders and register them in {@link #registry()}:
 * <pre>{@code
 * Counter evictions = Counter.builder().name("pier_evictions_total").help("Pods evicted, by reason.")
 *         .labelNames(Metrics.CELL, "reason").register(metrics.registry());
 * evictions.labelValues(cell.name(), "NodeLost").inc();
 * }</pre>
 * A series that belongs to one cell carries the label {@value #CELL} with the cell's name: that label, and only
 * that label, serves it to that cell's users. Series without it (process, JVM, machinery shared by all cells) are
 * served only to the management cluster's admins. Label values must come from small fixed sets (verbs,
 * resources, results, cell names), never straight from request input: every distinct value is a new series.
 * The work queue and scheduler series Kubernetes operators know are already defined in {@link #controllers()}.
 */
public final class Metrics {
    /** The label naming the cell a series belongs to. */
    public static final String CELL = "cell";

    private final PrometheusRegistry registry;
    private final ApiMetrics api;
    private final StorageMetrics storage;
    private final ControllerMetrics controllers;

    private Metrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.api = new ApiMetrics(registry);
        this.storage = new StorageMetrics(registry);
        this.controllers = new ControllerMetrics(registry);
    }

    /** A new registry with Pier's series and the JVM's and process's ({@code jvm_*}, {@code process_*}). */
    public static Metrics create() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return new Metrics(registry);
    }

    /** Where other components register their series (see the class comment). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Requests and watches ({@code apiserver_*}). */
    public ApiMetrics api() {
        return api;
    }

    /** Storage latency and errors ({@code etcd_request_*}, for either backend). */
    public StorageMetrics storage() {
        return storage;
    }

    /** Work queues ({@code workqueue_*}) and the scheduler ({@code scheduler_*}). */
    public ControllerMetrics controllers() {
        return controllers;
    }
}
