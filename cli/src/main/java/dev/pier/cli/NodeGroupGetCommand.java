package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code pier nodegroup get CLUSTER NAME}: {@code GET /v1/clusters/CLUSTER/nodegroups/NAME}. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a node group.")
final class NodeGroupGetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;
    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        try (PierApi api = server.connect()) {
            output.print(spec.commandLine().getOut(), api.get(ClusterPaths.nodeGroup(cluster, name)), Tables::nodeGroups);
            return 0;
        }
    }
}
