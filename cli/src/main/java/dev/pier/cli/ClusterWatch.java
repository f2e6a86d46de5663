package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code --wait}: polls a cluster once a second and prints a line whenever its status (or reason) changes, until it
 * is complete, failed, or gone. The API has no watch of its own, and a second is short next to a cluster's build.
 */
final class ClusterWatch {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final PierApi api;
    private final String cluster;
    private final PrintWriter out;
    private String lastSeen;

    ClusterWatch(PierApi api, String cluster, PrintWriter out) {
        this.api = api;
        this.cluster = cluster;
        this.out = out;
    }

    /** Starts from a view already shown (the create's answer), so its status is not printed again. */
    ClusterWatch after(JsonNode shown) {
        lastSeen = progressLine(cluster, shown);
        return this;
    }

    /** Until CREATE_COMPLETE or UPDATE_COMPLETE (exit code 0) or a *_FAILED status (1). */
    int untilComplete() throws InterruptedException {
        while (true) {
            JsonNode view = api.get(ClusterPaths.cluster(cluster));
            String status = view.path("status").asText();
            report(view);
            if (status.endsWith("_COMPLETE")) return 0;
            if (status.endsWith("_FAILED")) return 1;
            Thread.sleep(INTERVAL);
        }
    }

    /** Until the cluster is gone (0), or its deletion failed (1). */
    int untilGone() throws InterruptedException {
        while (true) {
            JsonNode view;
            try {
                view = api.get(ClusterPaths.cluster(cluster));
            } catch (ApiRefused e) {
                if (e.status() != 404) throw e;
                out.println("cluster " + cluster + ": deleted");
                out.flush();
                return 0;
            }
            report(view);
            if (view.path("status").asText().equals("DELETE_FAILED")) return 1;
            Thread.sleep(INTERVAL);
        }
    }

    private void report(JsonNode view) {
        String line = progressLine(cluster, view);
        if (Objects.equals(line, lastSeen)) return;
        lastSeen = line;
        out.println(line);
        out.flush();
    }

    /** e.g. {@code cluster prod: CREATE_IN_PROGRESS, 3 nodes (waiting for machines)}. */
    static String progressLine(String cluster, JsonNode view) {
        StringBuilder line = new StringBuilder("cluster ").append(cluster).append(": ").append(view.path("status").asText());
        if (view.path("node_count").isNumber()) {
            int nodes = view.path("node_count").asInt();
            line.append(", ").append(nodes).append(nodes == 1 ? " node" : " nodes");
        }
        if (view.hasNonNull("health_status")) line.append(", ").append(view.path("health_status").asText());
        if (view.hasNonNull("status_reason")) line.append(" (").append(view.path("status_reason").asText()).append(')');
        return line.toString();
    }
}
