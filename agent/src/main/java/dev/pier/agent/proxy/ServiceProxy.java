package dev.pier.agent.proxy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service proxy of one node, Pier's kube-proxy in iptables mode: watches Services and EndpointSlices
 * with fabric8 informers and keeps the node's nat and filter tables in kube-proxy's layout (see
 * {@link RuleWriter}), so that cluster IPs, node ports and load balancer IPs reach ready endpoints.
 * Changes reach the kernel within {@link ProxyConfig#minSyncPeriod()} as one iptables-restore per burst.
 *
 * <p>Runs in the node's network namespace (the agent's own). {@link #close()} stops it and removes every
 * rule and chain it made.
 *
 * <pre>{@code
 * ServiceProxy proxy = ServiceProxy.start(client, ProxyConfig.of(node, nodeIp, "10.96.0.0/12", List.of("10.244.0.0/16")));
 * ...
 * proxy.close();
 * }</pre>
 */
public final class ServiceProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceProxy.class);

    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final Proxier proxier;
    private final ProxySyncer syncer;

    private ServiceProxy(KubernetesClient client, ProxyConfig config, PrometheusRegistry registry) {
        this.proxier = new Proxier(config, new ProxyMetrics(registry));
        this.syncer = new ProxySyncer("service-proxy", this::sync, config.minSyncPeriod(), config.syncPeriod());
        this.services = client.services().inAnyNamespace().runnableInformer(0);
        this.slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    }

    /** Starts the proxy, registering its metrics in the default Prometheus registry. */
    public static ServiceProxy start(KubernetesClient client, ProxyConfig config) {
        return start(client, config, PrometheusRegistry.defaultRegistry);
    }

    public static ServiceProxy start(KubernetesClient client, ProxyConfig config, PrometheusRegistry registry) {
        ServiceProxy proxy = new ServiceProxy(client, config, registry);
        proxy.services.addEventHandler(proxy.onAnyChange());
        proxy.slices.addEventHandler(proxy.onAnyChange());
        proxy.services.start();
        proxy.slices.start();
        proxy.syncer.start();
        LOG.info("service proxy started on node {} ({}), service CIDR {}, pod CIDRs {}",
                config.nodeName(), config.nodeIp(), config.serviceCidr(), config.podCidrs());
        return proxy;
    }

    private <T extends HasMetadata> ResourceEventHandler<T> onAnyChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                syncer.request();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                syncer.request();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                syncer.request();
            }
        };
    }

    private boolean sync(boolean force) {
        // rules from half a list would drop Services for a moment: wait for both informers' first lists
        if (!services.hasSynced() || !slices.hasSynced()) {
            return false;
        }
        proxier.sync(services.getStore().list(), slices.getStore().list(), force);
        return true;
    }

    /** Stops watching and removes the proxy's rules and chains from the node. */
    @Override
    public void close() {
        services.stop();
        slices.stop();
        syncer.close();
        try {
            proxier.removeAll();
        } catch (RuntimeException e) {
            LOG.warn("could not remove the service proxy's rules", e);
        }
    }
}
