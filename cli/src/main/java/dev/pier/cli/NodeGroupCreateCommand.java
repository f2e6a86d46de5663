package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pier nodegroup create CLUSTER NAME}: {@code POST /v1/clusters/CLUSTER/nodegroups}. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Add a node group to a cluster.")
final class NodeGroupCreateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ApiOptions server;
    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", paramLabel = "NAME", description = "1 to 20 lowercase letters, digits and '-', starting with a letter.")
    String name;

    @Option(names = "--nodes", paramLabel = "N", description = "Its nodes (server default: 1).")
    Integer nodes;

    @Option(names = "--flavor", paramLabel = "FLAVOR", description = "Machine flavor: m1.small (server default), m1.medium, m1.large.")
    String flavor;

    // a map option would let picocli split on '=' itself, but the server's validation names a bad label better
    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of its nodes; repeatable.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--taint", paramLabel = "KEY=VALUE:EFFECT", description = "A taint of its nodes (=VALUE optional); repeatable.")
    List<String> taints = new ArrayList<>();

    @Override
    public Integer call() {
        ObjectNode body = PierApi.JSON.createObjectNode().put("name", name);
        if (nodes != null) body.put("node_count", nodes);
        if (flavor != null) body.put("flavor", flavor);
        if (!labels.isEmpty()) body.set("node_labels", PierApi.JSON.valueToTree(labels(labels)));
        if (!taints.isEmpty()) body.set("node_taints", PierApi.JSON.valueToTree(taints));
        try (PierApi api = server.connect()) {
            output.print(spec.commandLine().getOut(), api.post(ClusterPaths.nodeGroups(cluster), body), Tables::nodeGroups);
            return 0;
        }
    }

    /** {@code KEY=VALUE} pairs as a map; a pair without '=' is a usage error, named. */
    static Map<String, String> labels(List<String> pairs) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) throw new LocalProblem("--label " + pair + ": expected KEY=VALUE, e.g. --label accelerator=gpu");
            labels.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return labels;
    }
}
