package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.AdminKubeconfig;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.http.ApiCall;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/clusters/{id}/config}: the cluster admin's kubeconfig, a new client certificate of the cluster's CA
 * each time. The server URL is the address the caller reached this server at (so a kubeconfig fetched through a
 * NAT or a tunnel works from there), followed by the cluster's path.
 */
final class KubeconfigHandler {
    static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    private static final Duration SHORTEST = Duration.ofMinutes(1);

    private final PierObjects objects;
    private final Cells cells;

    KubeconfigHandler(PierObjects objects, Cells cells) {
        this.objects = objects;
        this.cells = cells;
    }

    Reply kubeconfig(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.getFirst());
        String name = cluster.path("metadata").path("name").asText();
        Duration validity = validity(call.query("expires_in"));
        Optional<Cell> cell = cells.tenant(name);
        if (cell.isEmpty()) {
            throw NksException.conflict(null, "cluster \"" + name + "\" is " + Views.clusterPhase(cluster) + ": its control plane does not exist yet",
                    "retry once GET /v1/clusters/" + name + " shows CREATE_COMPLETE");
        }
        String authority = call.authority();
        if (authority == null || authority.isBlank()) {
            throw NksException.badRequest("the request has no Host header", "send the Host header (curl and every HTTP/1.1 client do)");
        }
        String yaml;
        try {
            yaml = AdminKubeconfig.yaml(cell.get(), "https://" + authority + "/clusters/" + name,
                    cells.management().certificateAuthority().certificate(), "", validity);
        } catch (IllegalArgumentException e) {
            throw NksException.badRequest("the Host header \"" + authority + "\" is not a host[:port]", "send the server's host and port");
        }
        return Reply.yamlDownload(yaml, name + "-kubeconfig.yaml");
    }

    private static Duration validity(String expiresIn) {
        if (expiresIn == null) return DEFAULT_VALIDITY;
        long seconds;
        try {
            seconds = Long.parseLong(expiresIn);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < SHORTEST.toSeconds() || seconds > DEFAULT_VALIDITY.toSeconds()) {
            throw NksException.invalid("expires_in", "expires_in: \"" + expiresIn + "\" is not a number of seconds from "
                    + SHORTEST.toSeconds() + " to " + DEFAULT_VALIDITY.toSeconds(), "e.g. expires_in=3600 for a certificate valid one hour");
        }
        return Duration.ofSeconds(seconds);
    }
}
