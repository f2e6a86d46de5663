package dev.pier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code pier cluster delete NAME}: {@code DELETE /v1/clusters/NAME}, after confirmation. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a cluster with its node groups, machines and control plane.")
final class ClusterDeleteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; required when stdin is not a terminal.")
    boolean yes;

    @Option(names = "--wait", description = "Wait until the cluster is gone (exit 0) or DELETE_FAILED (exit 1), printing its progress.")
    boolean await;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Confirmation.confirmed("cluster " + name, yes, System.console())) {
            out.println("Not deleted.");
            return 0;
        }
        try (PierApi api = server.connect()) {
            api.delete(ClusterPaths.cluster(name));
            out.println("cluster " + name + ": deletion started");
            out.flush();
            return await ? new ClusterWatch(api, name, out).untilGone() : 0;
        }
    }
}
