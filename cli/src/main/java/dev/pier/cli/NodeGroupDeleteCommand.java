package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code pier nodegroup delete CLUSTER NAME}: {@code DELETE /v1/clusters/CLUSTER/nodegroups/NAME}, after confirmation. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a node group; its machines are drained and removed.")
final class NodeGroupDeleteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; required when stdin is not a terminal.")
    boolean yes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Confirmation.confirmed("node group " + name + " of cluster " + cluster, yes, System.console())) {
            out.println("Not deleted.");
            return 0;
        }
        try (PierApi api = server.connect()) {
            api.delete(ClusterPaths.nodeGroup(cluster, name));
        }
        out.println("nodegroup " + cluster + "/" + name + ": deletion started");
        return 0;
    }
}
