package dev.pier.cli;

import dev.pier.apiserver.cell.Cell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pier up}: a server on the embedded store plus a first cluster, ready for kubectl. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run a Pier server on the embedded store with a first cluster, and print how to reach it.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--cluster", defaultValue = "demo", description = "Name of the first cluster (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Override
    public Integer call() throws Exception {
        ControlPlane cp = ControlPlane.start(options);
        Cell cell = cp.cells().createTenant(cluster);
        Path kubeconfig = cp.writeKubeconfig(cell, "", options.dataDir.resolve("clusters").resolve(cluster).resolve("kubeconfig"));
        System.out.println("Pier is up.");
        System.out.println("  management API:  " + cp.url(cp.cells().management()));
        System.out.println("  management kubeconfig: " + options.dataDir.resolve("kubeconfig").toAbsolutePath());
        System.out.println("  cluster \"" + cluster + "\":     " + cp.url(cell));
        System.out.println("  cluster kubeconfig:    " + kubeconfig.toAbsolutePath());
        System.out.println("  console: not built yet (see README)");
        System.out.println();
        System.out.println("Try:  kubectl --kubeconfig " + kubeconfig.toAbsolutePath() + " get namespaces");
        ServerCommand.awaitShutdown(cp);
        return 0;
    }
}
