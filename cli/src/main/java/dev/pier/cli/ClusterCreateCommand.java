package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code pier cluster create NAME}: {@code POST /v1/clusters}, then with {@code --wait} follows it to completion. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a cluster.")
final class ClusterCreateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;
    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "NAME", description = "1 to 20 lowercase letters, digits and '-', starting with a letter.")
    String name;

    @Option(names = "--nodes", paramLabel = "N", description = "Nodes of its default node group (server default: 0).")
    Integer nodes;

    @Option(names = "--flavor", paramLabel = "FLAVOR", description = "Machine flavor of its nodes: m1.small (server default), m1.medium, m1.large.")
    String flavor;

    @Option(names = "--wait", description = "Wait for CREATE_COMPLETE (exit 0) or CREATE_FAILED (exit 1), printing its progress.")
    boolean await;

    @Override
    public Integer call() throws InterruptedException {
        ObjectNode body = PierApi.JSON.createObjectNode().put("name", name);
        if (nodes != null) body.put("node_count", nodes);
        if (flavor != null) body.put("flavor", flavor);
        try (PierApi api = server.connect()) {
            var created = api.post(ClusterPaths.CLUSTERS, body);
            output.print(spec.commandLine().getOut(), created, Tables::clusters);
            return await ? new ClusterWatch(api, name, spec.commandLine().getOut()).after(created).untilComplete() : 0;
        }
    }
}
