package dev.pier.apiserver.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The API server's request and watch series, with kube-apiserver's names, labels and buckets plus
 * {@value Metrics#CELL}: {@code apiserver_request_total}, {@code apiserver_request_duration_seconds},
 * {@code apiserver_longrunning_requests}, {@code apiserver_registered_watchers} and
 * {@code apiserver_watch_events_total}. The HTTP front end records them around every request.
 */
public final class ApiMetrics {
    /** kube-apiserver's buckets for request latency, chosen there for its SLOs (5 ms to 60 s). */
    static final double[] REQUEST_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6,
            8, 10, 15, 20, 30, 45, 60};

    private final Counter requests;
    private final Histogram durations;
    private final Gauge longRunning;
    private final Gauge watchers;
    private final Counter watchEvents;

    ApiMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("apiserver_request_total")
                .help("Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.")
                .labelNames(Metrics.CELL, "verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code")
                .register(registry);
        durations = Histogram.builder().name("apiserver_request_duration_seconds")
                .help("Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.")
                .classicOnly().classicUpperBounds(REQUEST_BUCKETS).withoutExemplars()
                .labelNames(Metrics.CELL, "verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component")
                .register(registry);
        longRunning = Gauge.builder().name("apiserver_longrunning_requests")
                .help("Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.")
                .labelNames(Metrics.CELL, "verb", "group", "version", "resource", "subresource", "scope", "component")
                .register(registry);
        watchers = Gauge.builder().name("apiserver_registered_watchers")
                .help("Number of currently registered watchers for a given resources.")
                .labelNames(Metrics.CELL, "group", "version", "kind")
                .register(registry);
        watchEvents = Counter.builder().name("apiserver_watch_events_total")
                .help("Number of events sent in watch clients.")
                .labelNames(Metrics.CELL, "group", "version", "kind")
                .register(registry);
    }

    /** One finished request, with the HTTP status it was answered with. */
    public void requestDone(RequestLabels l, int code, long nanos) {
        requests.labelValues(l.cell(), l.verb(), l.dryRun(), l.group(), l.version(), l.resource(), l.subresource(), l.scope(),
                l.component(), Integer.toString(code)).inc();
        durations.labelValues(l.cell(), l.verb(), l.dryRun(), l.group(), l.version(), l.resource(), l.subresource(), l.scope(),
                l.component()).observe(nanos / 1e9);
    }

    /** A long-running request (a watch) started streaming; pair with {@link #longRunningEnded}. */
    public void longRunningStarted(RequestLabels l) {
        longRunning(l).inc();
    }

    public void longRunningEnded(RequestLabels l) {
        longRunning(l).dec();
    }

    private io.prometheus.metrics.core.datapoints.GaugeDataPoint longRunning(RequestLabels l) {
        return longRunning.labelValues(l.cell(), l.verb(), l.group(), l.version(), l.resource(), l.subresource(), l.scope(), l.component());
    }

    /** A watch on a kind was registered; pair with {@link #watcherRemoved}. */
    public void watcherAdded(String cell, String group, String version, String kind) {
        watchers.labelValues(cell, group, version, kind).inc();
    }

    public void watcherRemoved(String cell, String group, String version, String kind) {
        watchers.labelValues(cell, group, version, kind).dec();
    }

    /** One event (or bookmark) sent to a watch client. */
    public void watchEvent(String cell, String group, String version, String kind) {
        watchEvents.labelValues(cell, group, version, kind).inc();
    }
}
