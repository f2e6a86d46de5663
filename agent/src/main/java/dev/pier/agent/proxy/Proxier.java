package dev.pier.agent.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;

/**
 * One node's Service rules from Services and EndpointSlices: builds the Service ports, writes the tables and
 * applies them. Not thread-safe: the {@link ProxySyncer}'s thread is its only caller.
 */
final class Proxier {
    private static final Logger LOG = LoggerFactory.getLogger(Proxier.class);

    private final ProxyConfig config;
    private final RuleApplier applier;
    private final ProxyMetrics metrics;

    Proxier(ProxyConfig config, ProxyMetrics metrics) {
        this.config = config;
        this.applier = new RuleApplier(new Iptables(config.commandPrefix()));
        this.metrics = metrics;
    }

    /** Programs the node for these Services and slices; {@code force} writes even what was written already. */
    void sync(Collection<Service> services, Collection<EndpointSlice> slices, boolean force) {
        long start = System.nanoTime();
        List<ServicePortRules> ports = ServiceTable.build(services, slices, config.nodeName());
        ProxyTables tables = RuleWriter.write(ports, config.podCidrs());
        boolean wrote;
        try {
            wrote = applier.apply(tables, force);
        } catch (RuntimeException e) {
            metrics.restoreFailures.inc();
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.syncDuration.observe(seconds);
        metrics.lastSync.set(System.currentTimeMillis() / 1000.0);
        metrics.servicePorts.set(ports.size());
        if (wrote) LOG.debug("service proxy synced {} service ports in {} ms", ports.size(), Math.round(seconds * 1000));
    }

    /** Removes every rule and chain of the proxy's. */
    void removeAll() {
        applier.removeAll();
    }
}
