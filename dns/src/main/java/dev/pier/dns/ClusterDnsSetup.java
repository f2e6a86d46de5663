package dev.pier.dns;

import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.Informer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Cluster DNS on the controller manager's informers. {@link #register} before the manager starts (the
 * informers must exist when the hub lists); {@link #serve} a cell once its address is known.
 */
public final class ClusterDnsSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDnsSetup.class);
    public static final String DEFAULT_DOMAIN = "cluster.local";

    private final Informer services;
    private final Informer slices;
    private final DnsMetrics metrics;

    private ClusterDnsSetup(Informer services, Informer slices, DnsMetrics metrics) {
        this.services = services;
        this.slices = slices;
        this.metrics = metrics;
    }

    /** @param registry where the servers' {@code coredns_*} series go ({@link DnsMetrics}); once per registry */
    public static ClusterDnsSetup register(ControllerManager manager, PrometheusRegistry registry) {
        return new ClusterDnsSetup(manager.informer("", "v1", "services"), manager.informer("discovery.k8s.io", "v1", "endpointslices"),
                new DnsMetrics(registry));
    }

    /**
     * A DNS server for {@code cell} on {@code address}, on {@code preferredPort} if it is free (else any free port), answering its cluster domain and
     * forwarding other names to the host's resolvers (never to itself).
     */
    public DnsServer serve(String cell, String address, String clusterDomain, int preferredPort) {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
        DnsMetrics.Cell cellMetrics = metrics.cell(cell);
        Forwarder forwarder = new Forwarder(Forwarder.hostResolvers().stream()
                .filter(u -> !u.getAddress().equals(bind)).toList(), cellMetrics);
        var dns = new ClusterDns(new ClusterRecords(clusterDomain), new InformerClusterView(cell, services, slices), forwarder);
        DnsServer server;
        try {
            server = DnsServer.start(bind, preferredPort, dns, cellMetrics);
        } catch (java.io.UncheckedIOException e) {
            if (preferredPort == 0) throw e;
            LOG.warn("cell {}: DNS port {} is taken ({}); serving on another, which the nodes follow within seconds", cell, preferredPort,
                    e.getCause().toString());
            server = DnsServer.start(bind, 0, dns, cellMetrics);
        }
        LOG.info("cell {}: cluster DNS for {} on {}:{} (UDP and TCP), other names forwarded to {}", cell, clusterDomain, address,
                server.port(), forwarder.upstreams().stream().map(InetSocketAddress::toString).toList());
        return server;
    }
}
