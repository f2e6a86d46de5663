package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code pier nodegroup list CLUSTER}: {@code GET /v1/clusters/CLUSTER/nodegroups}. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List a cluster's node groups.")
final class NodeGroupListCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;
    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Override
    public Integer call() {
        try (PierApi api = server.connect()) {
            output.print(spec.commandLine().getOut(), api.get(ClusterPaths.nodeGroups(cluster)), Tables::nodeGroups);
            return 0;
        }
    }
}
