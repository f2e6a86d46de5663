package dev.pier.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The flags of a control-plane server, a picocli mixin shared by {@code server} and {@code up}. Flags only; no behaviour. */
final class ServerOptions {
    @Option(names = "--data-dir", defaultValue = "pier-data", description = "Where state, credentials and kubeconfigs live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "6443", description = "HTTPS port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--store", defaultValue = "sqlite", description = "Storage backend: sqlite (embedded) or etcd (default: ${DEFAULT-VALUE}).")
    StoreKind store;

    @Option(names = "--etcd-endpoints", split = ",", description = "etcd client URLs, comma separated, for --store etcd.")
    List<String> etcdEndpoints = List.of();

    @Option(names = "--token-auth-file", description = "Static bearer tokens for the management cluster: token,user,uid,\"group1,group2\" per line.")
    Path tokenAuthFile;

    @Option(names = "--advertise-address", description = "Host or IP written into kubeconfigs (default: 127.0.0.1).")
    String advertiseAddress = "127.0.0.1";

    @Option(names = "--node-monitor-grace-period", defaultValue = "40s",
            description = "How long a node may miss heartbeats before it is Ready=Unknown and its pods are evicted once their "
                    + "tolerations run out (default: ${DEFAULT-VALUE}; e.g. 40s, 2m).")
    String nodeMonitorGracePeriod;

    @Option(names = "--scheduler-scoring", defaultValue = "bin-packing",
            description = "How the scheduler ranks feasible nodes: bin-packing (fullest first) or spread (emptiest first) (default: ${DEFAULT-VALUE}).")
    String schedulerScoring;

    @Option(names = "--load-balancer",
            description = "What serves Services of type LoadBalancer: haproxy (HAProxy on this host, VIPs on loopback; needs root "
                    + "and the haproxy program) or none (they keep a pending EXTERNAL-IP) (default: haproxy for pier up with nodes, "
                    + "else none).")
    LoadBalancerKind loadBalancer;

    @Option(names = "--load-balancer-vip-range",
            description = "IPv4 CIDR the haproxy load balancer takes VIPs from (default: 127.77.<n>.0/24, n this data directory's index).")
    String loadBalancerVipRange;

    @Option(names = "--block-storage",
            description = "What makes the volumes of PersistentVolumeClaims (StorageClass \"standard\", driver block.pier.dev): loop "
                    + "(a sparse file per volume under the data directory, attached as a loop device; needs root) or none (claims "
                    + "stay Pending) (default: loop for pier up with nodes, else none).")
    BlockStorageKind blockStorage;

    enum StoreKind { sqlite, etcd }

    enum LoadBalancerKind { none, haproxy }

    enum BlockStorageKind { none, loop }
}
