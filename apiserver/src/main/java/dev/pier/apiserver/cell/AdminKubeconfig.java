package dev.pier.apiserver.cell;

import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Kubeconfig;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The kubeconfig of a cell's administrator: a fresh client certificate of the cell's CA for user {@code admin} in
 * group {@code system:masters}. What {@code pier server} writes for the management cell, {@code pier up} for its
 * cluster and {@code GET /v1/clusters/{id}/config} returns.
 */
public final class AdminKubeconfig {
    public static final String USER = "admin";
    public static final String GROUP = "system:masters";

    private AdminKubeconfig() {
    }

    /**
     * @param serverUrl      where clients reach the cell, e.g. {@code https://host:6443/clusters/prod}
     * @param serverCa       the CA of the server's serving certificate (the management cell's)
     * @param contextSuffix  appended to the context's name (e.g. to keep two kubeconfigs' contexts apart), or ""
     * @param validity       how long the client certificate is valid
     */
    public static String yaml(Cell cell, String serverUrl, X509Certificate serverCa, String contextSuffix, Duration validity) {
        IssuedCertificate admin = cell.certificateAuthority().issueClient(USER, List.of(GROUP), validity);
        String name = cell.name().equals(Cells.MANAGEMENT) ? "pier" : cell.name();
        return Kubeconfig.builder()
                .server(serverUrl)
                .certificateAuthority(serverCa)
                .clusterName(name)
                .userName(name + "-" + USER)
                .contextName(name + contextSuffix)
                .clientCertificate(admin)
                .build()
                .toYaml();
    }
}
