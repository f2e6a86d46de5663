package dev.pier.cli;

import dev.pier.apiserver.cell.Cell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code pier up}: a server on the embedded store plus a first cluster, ready for kubectl. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run a Pier server on the embedded store with a first cluster, and print how to reach it.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--cluster", defaultValue = "demo", description = "Name of the first cluster (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--nodes", defaultValue = "2",
            description = "Nodes of the first cluster, each a local machine with its own containerd (default: ${DEFAULT-VALUE}; 0 for none). Needs root.")
    int nodes;

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 0) throw new IllegalArgumentException("--nodes must be 0 or more, was " + nodes);
        LocalNodes machines = null;
        ControlPlane cp;
        if (nodes > 0) {
            NodeStackPackages stack = NodeStackPackages.onThisHost();
            if (!stack.isRoot()) {
                throw new IllegalStateException("nodes are local machines (network namespaces, containerd) and need root: "
                        + "run pier up as root, or with --nodes 0 for a control plane only");
            }
            List<String> missing = stack.ensureInstalled(System.out);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("nodes need the packages " + missing + " (see above); or run pier up with --nodes 0");
            }
            // real nodes get a real load balancer, unless told otherwise
            if (options.loadBalancer == null) options.loadBalancer = ServerOptions.LoadBalancerKind.haproxy;
            // and real block storage for their claims
            if (options.blockStorage == null) options.blockStorage = ServerOptions.BlockStorageKind.loop;
            // the machines' bridge exists before the server, whose certificate names its gateway
            if (options.port == 0) options.port = freePort();
            machines = LocalNodes.prepare(options.dataDir, options.port, System.out);
            try {
                cp = ControlPlane.start(options, Optional.of(machines));
            } catch (IOException | RuntimeException e) {
                machines.close();
                throw e;
            }
        } else {
            cp = ControlPlane.start(options);
        }
        Cell cell;
        Path kubeconfig;
        try {
            cell = FirstCluster.declareAndAwait(cp, cluster, nodes, System.out);
            kubeconfig = cp.writeKubeconfig(cell, "", options.dataDir.resolve("clusters").resolve(cluster).resolve("kubeconfig"));
        } catch (IOException | RuntimeException e) {
            if (machines != null) machines.close();
            cp.close();
            throw e;
        }
        System.out.println("Pier is up.");
        System.out.println("  management API:  " + cp.url(cp.cells().management()));
        System.out.println("  management kubeconfig: " + options.dataDir.resolve("kubeconfig").toAbsolutePath());
        System.out.println("  cluster \"" + cluster + "\":     " + cp.url(cell));
        System.out.println("  cluster kubeconfig:    " + kubeconfig.toAbsolutePath());
        System.out.println("  console: not built yet (see README)");
        System.out.println();
        System.out.println("Try:  kubectl --kubeconfig " + kubeconfig.toAbsolutePath() + " get namespaces");
        if (machines != null) {
            LocalNodes stopFirst = machines;
            ServerCommand.awaitShutdown(() -> {
                stopFirst.close();
                cp.close();
            });
        } else {
            ServerCommand.awaitShutdown(cp);
        }
        return 0;
    }
}
