package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code pier cluster get NAME}: {@code GET /v1/clusters/NAME}; {@code -o json} shows every field. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a cluster (by name or uuid).")
final class ClusterGetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;
    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        try (PierApi api = server.connect()) {
            output.print(spec.commandLine().getOut(), api.get(ClusterPaths.cluster(name)), Tables::clusters);
            return 0;
        }
    }
}
