package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code pier cluster list}: {@code GET /v1/clusters}. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the clusters.")
final class ClusterListCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        try (PierApi api = server.connect()) {
            output.print(spec.commandLine().getOut(), api.get(ClusterPaths.CLUSTERS), Tables::clusters);
            return 0;
        }
    }
}
