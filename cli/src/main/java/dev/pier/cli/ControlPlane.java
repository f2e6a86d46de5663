package dev.pier.cli;

import dev.pier.apiserver.ApiServer;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.AdminKubeconfig;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.metrics.Metrics;
import dev.pier.cloud.loadbalancer.HaproxyLoadBalancerConfig;
import dev.pier.cloud.loadbalancer.HaproxyLoadBalancerProvider;
import dev.pier.cloud.loadbalancer.LoadBalancerProvider;
import dev.pier.cloud.machine.Cidr;
import dev.pier.cloud.cluster.ClusterSetup;
import dev.pier.cloud.cluster.NodeMachines;
import dev.pier.cloud.service.ServiceLoadBalancerSetup;
import dev.pier.cloud.storage.BlockStorageSetup;
import dev.pier.cloud.volume.LoopVolumeProvider;
import dev.pier.cloud.volume.VolumeProvider;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.ControllerOptions;
import dev.pier.dns.ClusterDnsSetup;
import dev.pier.pki.CertificateAuthority;
import dev.pier.scheduler.SchedulerSetup;
import dev.pier.pki.IssuedCertificate;
import dev.pier.storage.Compactor;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.etcd.EtcdStore;
import dev.pier.storage.sqlite.SqliteNativeLibrary;
import dev.pier.storage.sqlite.SqliteStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Set;

/**
 * A running control plane: storage, cells and the HTTPS API, started in order, each step waiting for
 * the previous one to be ready. Writes the admin kubeconfig once the server serves.
 */
final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final Duration ADMIN_CERT_VALIDITY = Duration.ofDays(365);

    private static final Duration COMPACTION_INTERVAL = Duration.ofMinutes(5);

    private final ServerOptions options;
    private final Metrics metrics;
    private final KeyValueStore store;
    private final Compactor compactor;
    private final Cells cells;
    private final ApiServer server;
    private final ControllerManager controllers;
    private final Optional<LoadBalancerProvider> loadBalancers;
    private final Optional<VolumeProvider> blockStorage;
    private final TenantClusters tenants;

    private ControlPlane(ServerOptions options, Metrics metrics, KeyValueStore store, Compactor compactor, Cells cells, ApiServer server,
                         ControllerManager controllers, Optional<LoadBalancerProvider> loadBalancers, Optional<VolumeProvider> blockStorage,
                         TenantClusters tenants) {
        this.options = options;
        this.metrics = metrics;
        this.store = store;
        this.compactor = compactor;
        this.cells = cells;
        this.server = server;
        this.controllers = controllers;
        this.loadBalancers = loadBalancers;
        this.blockStorage = blockStorage;
        this.tenants = tenants;
    }

    static ControlPlane start(ServerOptions options) throws IOException {
        return start(options, Optional.empty());
    }

    /**
     * @param machines the machines clusters' nodes run on, if this server has them; their gateway is one more
     *                 address clients (the nodes) reach the server at
     */
    static ControlPlane start(ServerOptions options, Optional<LocalNodes> machines) throws IOException {
        List<String> extraServingIps = machines.map(m -> List.of(m.gateway())).orElse(List.of());
        long started = System.nanoTime();
        Files.createDirectories(options.dataDir);
        LOG.info("Starting Pier: data directory {}, storage {}", options.dataDir.toAbsolutePath(), describeStore(options));
        // One registry for the process: what the API records and /metrics serves. Storage is timed below the cells.
        Metrics metrics = Metrics.create();
        KeyValueStore store = metrics.storage().instrument(openStore(options));
        Optional<LoadBalancerProvider> loadBalancers = Optional.empty();
        Optional<VolumeProvider> blockStorage = Optional.empty();
        try {
            LOG.info("Storage ready at revision {}", store.currentRevision());
            TokenFile tokens = TokenFile.empty();
            if (options.tokenAuthFile != null) {
                tokens = TokenFile.load(options.tokenAuthFile);
                LOG.info("Management cluster accepts the bearer tokens of {}", options.tokenAuthFile.toAbsolutePath());
            }
            Cells cells = new Cells(store, Clock.systemUTC(), tokens);
            CertificateAuthority ca = cells.management().certificateAuthority();
            IssuedCertificate serving = ca.issueServing("pier-apiserver", dnsNames(options), ipAddresses(options, extraServingIps), Duration.ofDays(365));
            ControllerMetricsListener controllerMetrics = new ControllerMetricsListener(metrics.controllers());
            ControllerManager controllers = ControllerManager.create(cells, store, Clock.systemUTC(),
                    new ControllerOptions(Durations.parse("--node-monitor-grace-period", options.nodeMonitorGracePeriod), controllerMetrics));
            SchedulerSetup.register(controllers, binPacking(options.schedulerScoring), controllerMetrics);
            loadBalancers = startLoadBalancers(options);
            loadBalancers.ifPresent(provider -> ServiceLoadBalancerSetup.register(controllers, provider));
            blockStorage = startBlockStorage(options);
            blockStorage.ifPresent(provider -> BlockStorageSetup.register(controllers, provider));
            ClusterDnsSetup dns = ClusterDnsSetup.register(controllers, metrics.registry());
            machines.ifPresent(m -> m.attach(cells));
            AtomicReference<String> baseUrl = new AtomicReference<>();
            TenantClusters tenants = new TenantClusters(cells, dns, machines.map(LocalNodes::gateway), baseUrl::get);
            ClusterSetup.register(controllers, tenants, machines.<NodeMachines>map(m -> m).orElse(NodeMachines.NONE));
            // the API serves before the controllers start, so that the clusters they report have an endpoint
            ApiServer server = ApiServer.start(cells, metrics, options.bind, options.port, serving, List.of(ca.certificate()));
            baseUrl.set("https://" + hostForUrl(options.advertiseAddress) + ":" + server.port());
            controllers.start();
            LOG.info("Controllers and scheduler started");
            ControlPlane cp = new ControlPlane(options, metrics, store, Compactor.start(store, COMPACTION_INTERVAL), cells, server, controllers, loadBalancers,
                    blockStorage, tenants);
            LOG.info("Serving the Kubernetes API on {}:{} (HTTPS): management cluster at {}, tenant clusters under {}/clusters/<name>",
                    options.bind, server.port(), cp.url(cells.management()), cp.url(cells.management()));
            Path kubeconfig = cp.writeKubeconfig(cells.management(), "", options.dataDir.resolve("kubeconfig"));
            LOG.info("Wrote the management cluster's admin kubeconfig to {}; started in {} ms", kubeconfig.toAbsolutePath(),
                    (System.nanoTime() - started) / 1_000_000);
            return cp;
        } catch (RuntimeException | IOException e) {
            LOG.error("Start-up failed: {}", e.toString());
            loadBalancers.ifPresent(LoadBalancerProvider::close);
            blockStorage.ifPresent(VolumeProvider::close);
            store.close();
            throw e;
        }
    }

    /** The provider of Services of type LoadBalancer, if the server runs one. */
    private static Optional<LoadBalancerProvider> startLoadBalancers(ServerOptions options) {
        return switch (options.loadBalancer == null ? ServerOptions.LoadBalancerKind.none : options.loadBalancer) {
            case none -> Optional.empty();
            case haproxy -> {
                Optional<Cidr> range = Optional.ofNullable(options.loadBalancerVipRange).map(Cidr::parse);
                yield Optional.of(HaproxyLoadBalancerProvider.start(new HaproxyLoadBalancerConfig(options.dataDir, range)));
            }
        };
    }

    /** The provider of PersistentVolumes' block volumes, if the server runs one; it keeps its volumes in the data directory. */
    private static Optional<VolumeProvider> startBlockStorage(ServerOptions options) {
        return switch (options.blockStorage == null ? ServerOptions.BlockStorageKind.none : options.blockStorage) {
            case none -> Optional.empty();
            case loop -> Optional.of(LoopVolumeProvider.open(options.dataDir));
        };
    }

    private static boolean binPacking(String scoring) {
        return switch (scoring) {
            case "bin-packing" -> true;
            case "spread" -> false;
            default -> throw new IllegalArgumentException("--scheduler-scoring must be bin-packing or spread, not \"" + scoring + "\"");
        };
    }

    /** The storage backend for the start-up log; any user:password in an etcd URL is left out. */
    private static String describeStore(ServerOptions options) {
        return switch (options.store) {
            case sqlite -> "SQLite " + options.dataDir.resolve("state.db").toAbsolutePath();
            case etcd -> "etcd " + options.etcdEndpoints.stream().map(u -> u.replaceAll("//[^/@]*@", "//")).toList();
        };
    }

    private static KeyValueStore openStore(ServerOptions options) {
        return switch (options.store) {
            case sqlite -> {
                // the JDBC driver's native library, kept in the data directory rather than a new copy in /tmp per start
                // (the copy in /tmp would outlive every stop: see awaitShutdown's halt)
                SqliteNativeLibrary.useDirectory(options.dataDir.resolve(".native"));
                yield SqliteStore.open(options.dataDir.resolve("state.db"));
            }
            case etcd -> {
                if (options.etcdEndpoints.isEmpty()) {
                    throw new IllegalArgumentException("--store etcd needs --etcd-endpoints, e.g. --etcd-endpoints http://127.0.0.1:2379");
                }
                yield EtcdStore.connect(options.etcdEndpoints);
            }
        };
    }

    int port() {
        return server.port();
    }

    Cells cells() {
        return cells;
    }

    /** The process's metrics: controllers and the scheduler record into {@code metrics().controllers()}. */
    Metrics metrics() {
        return metrics;
    }

    /** The URL clients use for a cell: {@code https://host:port} or {@code https://host:port/clusters/<name>}. */
    String url(Cell cell) {
        String base = "https://" + hostForUrl(options.advertiseAddress) + ":" + server.port();
        return cell.name().equals(Cells.MANAGEMENT) ? base : base + "/clusters/" + cell.name();
    }

    /** Writes a kubeconfig with an admin client certificate (group system:masters) for a cell, readable by the owner only. */
    Path writeKubeconfig(Cell cell, String contextSuffix, Path file) throws IOException {
        String yaml = AdminKubeconfig.yaml(cell, url(cell), cells.management().certificateAuthority().certificate(), contextSuffix,
                ADMIN_CERT_VALIDITY);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static List<String> dnsNames(ServerOptions options) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "pier", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException ignored) {
            // no resolvable host name: localhost and the IPs still work
        }
        if (!looksLikeIp(options.advertiseAddress)) names.add(options.advertiseAddress);
        return List.copyOf(names);
    }

    private static List<String> ipAddresses(ServerOptions options, List<String> extra) {
        Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        ips.addAll(extra);
        if (looksLikeIp(options.advertiseAddress)) ips.add(options.advertiseAddress);
        if (!options.bind.equals("0.0.0.0") && !options.bind.equals("::")) {
            ips.add(options.bind);
        } else {
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                        String ip = a.getHostAddress();
                        int zone = ip.indexOf('%');
                        ips.add(zone >= 0 ? ip.substring(0, zone) : ip);
                    }
                }
            } catch (SocketException ignored) {
                // loopback addresses are enough to start
            }
        }
        return new ArrayList<>(ips);
    }

    private static boolean looksLikeIp(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        LOG.info("Stopping: the API server first (no new requests), then DNS, controllers, load balancers, block storage, compaction, "
                + "cells and storage");
        server.close();
        tenants.close();
        controllers.close();
        loadBalancers.ifPresent(LoadBalancerProvider::close);
        // after the controllers (no attach may follow) and, with pier up, after the machines that used the devices
        // (UpCommand stops them before this): closing detaches every loop device and keeps the volumes
        blockStorage.ifPresent(VolumeProvider::close);
        compactor.close();
        cells.close();
        store.close();
        LOG.info("Stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
