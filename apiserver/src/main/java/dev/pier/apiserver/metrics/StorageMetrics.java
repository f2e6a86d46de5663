package dev.pier.apiserver.metrics;

import dev.pier.storage.KeyValueStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Storage latency and failures per operation, object type and cell, under kube-apiserver's names so that
 * etcd dashboards work: {@code etcd_request_duration_seconds} and {@code etcd_request_errors_total}. Recorded
 * for either backend (SQLite or etcd) by a decorator of the storage SPI, {@link #instrument}.
 *
 * <p>{@code operation} is get, list, create, update, delete or compact; {@code type} is the resource as
 * Kubernetes names it ({@code pods}, {@code deployments.apps}), or {@code pier.cells} for Pier's own records
 * of a cell, "" for a read across a whole cell.
 */
public final class StorageMetrics {
    private final Histogram latency;
    private final Counter errors;

    StorageMetrics(PrometheusRegistry registry) {
        latency = Histogram.builder().name("etcd_request_duration_seconds")
                .help("Etcd request latency in seconds for each operation and object type.")
                .classicOnly().classicUpperBounds(ApiMetrics.REQUEST_BUCKETS).withoutExemplars()
                .labelNames(Metrics.CELL, "operation", "type")
                .register(registry);
        errors = Counter.builder().name("etcd_request_errors_total")
                .help("Etcd failed request counts for each operation and object type.")
                .labelNames(Metrics.CELL, "operation", "type")
                .register(registry);
    }

    /** {@code store}, with every call timed; closing it closes {@code store}. */
    public KeyValueStore instrument(KeyValueStore store) {
        return new InstrumentedStore(store, this);
    }

    void observe(StorageKeys.Labels labels, String operation, long nanos) {
        latency.labelValues(labels.cell(), operation, labels.type()).observe(nanos / 1e9);
    }

    void failed(StorageKeys.Labels labels, String operation) {
        errors.labelValues(labels.cell(), operation, labels.type()).inc();
    }
}
