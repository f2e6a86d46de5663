package dev.pier.cli;

import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.cloud.cluster.ClusterHost;
import dev.pier.dns.ClusterDnsSetup;
import dev.pier.dns.DnsServer;
import dev.pier.dns.KubeDnsService;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * This server as the host of its tenant clusters' control planes (for the cluster controller): their cells, the
 * URL they answer at, and their DNS, served where their machines reach the host (decision 017) when this server
 * has machines.
 */
final class TenantClusters implements ClusterHost, AutoCloseable {
    private final Cells cells;
    private final ClusterDnsSetup dns;
    private final Optional<String> machineGateway;
    private final Supplier<String> baseUrl;
    private final Map<String, DnsServer> dnsServers = new ConcurrentHashMap<>();

    /**
     * @param machineGateway where this server's machines reach the host, if it has machines
     * @param baseUrl        {@code https://host:port} of the API server, known once it serves
     */
    TenantClusters(Cells cells, ClusterDnsSetup dns, Optional<String> machineGateway, Supplier<String> baseUrl) {
        this.cells = cells;
        this.dns = dns;
        this.machineGateway = machineGateway;
        this.baseUrl = baseUrl;
    }

    @Override
    public void createCell(String cluster) {
        cells.createTenant(cluster);
    }

    @Override
    public boolean cellExists(String cluster) {
        return cells.tenant(cluster).isPresent();
    }

    @Override
    public void deleteCell(String cluster) {
        cells.deleteTenant(cluster);
    }

    @Override
    public String endpoint(String cluster) {
        return baseUrl.get() + "/clusters/" + cluster;
    }

    @Override
    public String caCertificatePem() {
        return cells.management().certificateAuthority().certificatePem();
    }

    /**
     * Serves the cluster's DNS on the machines' gateway and points its {@code kube-system/kube-dns} Service
     * (10.96.0.10) there, so that the agents' proxies carry pods' queries to it.
     */
    @Override
    public void serveDns(String cluster) {
        if (machineGateway.isEmpty()) return;
        dnsServers.computeIfAbsent(cluster, c -> {
            LocalClient client = new LocalClient(cells, "pier-dns");
            DnsServer server = dns.serve(c, machineGateway.get(), ClusterDnsSetup.DEFAULT_DOMAIN, KubeDnsService.previousPort(client, c));
            KubeDnsService.publish(client, c, machineGateway.get(), server.port());
            return server;
        });
    }

    @Override
    public void stopDns(String cluster) {
        DnsServer server = dnsServers.remove(cluster);
        if (server != null) server.close();
    }

    @Override
    public void close() {
        dnsServers.values().forEach(DnsServer::close);
        dnsServers.clear();
    }
}
