package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pier nodegroup scale CLUSTER NAME --nodes N}: {@code POST /v1/clusters/CLUSTER/actions/resize}. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Resize a node group; --remove names the nodes to go first.")
final class NodeGroupScaleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", paramLabel = "NAME", description = "The node group, e.g. default-worker.")
    String name;

    @Option(names = "--nodes", paramLabel = "N", required = true, description = "The node count to reach.")
    int nodes;

    @Option(names = "--remove", paramLabel = "NODE", description = "A node to remove first, as kubectl get nodes names it; repeatable.")
    List<String> remove = new ArrayList<>();

    @Override
    public Integer call() {
        ObjectNode body = PierApi.JSON.createObjectNode().put("nodegroup", name).put("node_count", nodes);
        if (!remove.isEmpty()) body.set("nodes_to_remove", PierApi.JSON.valueToTree(remove));
        try (PierApi api = server.connect()) {
            api.post(ClusterPaths.resize(cluster), body);
        }
        spec.commandLine().getOut().println("nodegroup " + cluster + "/" + name + ": resizing to " + nodes
                + (nodes == 1 ? " node" : " nodes"));
        return 0;
    }
}
