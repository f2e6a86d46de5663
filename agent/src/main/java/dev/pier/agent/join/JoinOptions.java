package dev.pier.agent.join;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a node needs to join a cluster.
 *
 * @param server             the cluster's API URL, e.g. {@code https://10.250.0.1:6443/clusters/demo}
 * @param caFile             the cluster CA's certificate (PEM): the API server's certificate must chain to it
 * @param bootstrapToken     {@code <id>.<secret>}, used only when the node has no valid credentials yet; may be
 *                           null for a node that joined before
 * @param nodeName           the Node's name; the certificates are for {@code system:node:<nodeName>}
 * @param nodeIps            the node's addresses, put in the kubelet serving certificate
 * @param dataDir            the agent's data directory ({@code pki/} and {@code kubeconfig} go there)
 * @param certificateDuration how long certificates should last ({@code spec.expirationSeconds}); null for the
 *                           cluster's default (one year)
 * @param timeout            how long to wait for a certificate to be issued
 */
public record JoinOptions(URI server, Path caFile, String bootstrapToken, String nodeName, List<String> nodeIps,
                          Path dataDir, Duration certificateDuration, Duration timeout) {
    public JoinOptions {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        if (!"https".equals(server.getScheme())) throw new IllegalArgumentException("server must be an https URL: " + server);
        if (nodeName.isBlank()) throw new IllegalArgumentException("nodeName must not be blank");
        nodeIps = List.copyOf(nodeIps);
        if (certificateDuration != null && certificateDuration.toSeconds() < 600) {
            throw new IllegalArgumentException("certificateDuration must be at least 10 minutes: " + certificateDuration);
        }
        timeout = timeout == null ? Duration.ofMinutes(2) : timeout;
    }

    /** Options with the default certificate duration and timeout. */
    public static JoinOptions of(URI server, Path caFile, String bootstrapToken, String nodeName, List<String> nodeIps, Path dataDir) {
        return new JoinOptions(server, caFile, bootstrapToken, nodeName, nodeIps, dataDir, null, null);
    }

    @Override
    public String toString() {
        // never the token
        return "JoinOptions[" + server + ", node " + nodeName + ", " + dataDir + "]";
    }
}
