package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code pier events CLUSTER}: {@code GET /v1/clusters/CLUSTER/events}, newest first. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "What happened to a cluster, its node groups and machines, newest first.")
final class EventsCommand implements Callable<Integer> {
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
            output.print(spec.commandLine().getOut(), api.get(ClusterPaths.events(cluster)), Tables::events);
            return 0;
        }
    }
}
