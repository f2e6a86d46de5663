package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.cloud.host.Poll;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code pier up}'s cluster, made as every cluster is: a {@code Cluster} object in the management cell (decision 019)
 * whose default node group has {@code --nodes} nodes; then a wait for the cluster controller to report it
 * CREATE_COMPLETE (or UPDATE_COMPLETE), printing each machine and node as it comes up.
 */
final class FirstCluster {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private FirstCluster() {
    }

    /** Declares the cluster (or its new node count) and returns its cell once the cluster is complete. */
    static Cell declareAndAwait(ControlPlane cp, String name, int nodes, PrintStream out) {
        LocalClient client = new LocalClient(cp.cells(), "pier-up");
        ResourceClient clusters = client.resource(Cells.MANAGEMENT, client.builtin("pier.dev", "v1", "clusters"));
        Optional<ObjectNode> existing = clusters.find("", name);
        if (existing.isEmpty()) {
            ObjectNode cluster = Json.object();
            cluster.put("apiVersion", "pier.dev/v1").put("kind", "Cluster");
            cluster.putObject("metadata").put("name", name);
            cluster.putObject("spec").putObject("defaultNodeGroup").put("nodeCount", nodes);
            clusters.create("", cluster);
        } else if (existing.get().path("spec").path("defaultNodeGroup").path("nodeCount").asInt(-1) != nodes) {
            ObjectNode changed = existing.get().deepCopy();
            changed.withObject("/spec/defaultNodeGroup").put("nodeCount", nodes);
            clusters.update(changed);
        }
        if (nodes > 0) out.println("Starting " + nodes + " node(s) of cluster \"" + name + "\"...");
        ResourceClient machines = client.resource(Cells.MANAGEMENT, client.builtin("pier.dev", "v1", "machines"));
        Set<String> told = new HashSet<>();
        JsonNode[] last = {null};
        Poll.until(READY_TIMEOUT, () -> "cluster " + name + " to be complete; last status: " + (last[0] == null ? "none" : last[0])
                + "; see the agent logs under machines/<name>/logs/agent.log in the data directory", () -> {
            for (ObjectNode m : machines.list("")) {
                if (!m.path("spec").path("cluster").asText().equals(name)) continue;
                String machine = m.path("metadata").path("name").asText();
                String address = m.path("status").path("addresses").path(0).path("address").asText("");
                if (!address.isEmpty() && told.add(machine + "/up")) {
                    out.println("  machine " + machine + " up at " + address + "; its agent is joining...");
                }
                if (m.path("status").path("phase").asText().equals("Running") && told.add(machine + "/ready")) {
                    out.println("  node " + machine + " is Ready");
                }
            }
            last[0] = clusters.get("", name).path("status");
            String phase = last[0].path("phase").asText();
            return phase.equals("CREATE_COMPLETE") || phase.equals("UPDATE_COMPLETE");
        });
        return cp.cells().tenant(name).orElseThrow();
    }
}
