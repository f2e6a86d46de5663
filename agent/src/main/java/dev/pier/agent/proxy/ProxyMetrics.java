package dev.pier.agent.proxy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** kube-proxy's sync series, under its names: how long syncs take, when the last one ran, how many failed. */
final class ProxyMetrics {
    /** kube-proxy's buckets: 1 ms doubling up to about 16 s. */
    private static final double[] BUCKETS = {0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384};

    final Histogram syncDuration;
    final Gauge lastSync;
    final Counter restoreFailures;
    final Gauge servicePorts;

    ProxyMetrics(PrometheusRegistry registry) {
        syncDuration = Histogram.builder().name("kubeproxy_sync_proxy_rules_duration_seconds")
                .help("SyncProxyRules latency in seconds")
                .classicOnly().classicUpperBounds(BUCKETS).withoutExemplars().register(registry);
        lastSync = Gauge.builder().name("kubeproxy_sync_proxy_rules_last_timestamp_seconds")
                .help("The last time proxy rules were successfully synced").register(registry);
        restoreFailures = Counter.builder().name("kubeproxy_sync_proxy_rules_iptables_restore_failures_total")
                .help("Cumulative proxy iptables restore failures").register(registry);
        servicePorts = Gauge.builder().name("kubeproxy_sync_proxy_rules_service_ports")
                .help("Number of Service ports programmed by the last sync").register(registry);
    }
}
