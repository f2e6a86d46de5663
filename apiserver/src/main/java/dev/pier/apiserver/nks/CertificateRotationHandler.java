package dev.pier.apiserver.nks;

import dev.pier.apiserver.http.ApiCall;

import java.util.List;

/**
 * {@code POST /v1/clusters/{id}/actions/rotate_certificates}: not done yet, and said so (501) rather than accepted
 * and ignored. Rotating a cluster's CA means reissuing every node's and every user's certificate and trusting old
 * and new CA meanwhile; Pier has no such procedure yet.
 */
final class CertificateRotationHandler {
    private final PierObjects objects;

    CertificateRotationHandler(PierObjects objects) {
        this.objects = objects;
    }

    Reply rotate(ApiCall call, List<String> params) {
        objects.cluster(params.getFirst()); // an unknown cluster is still a 404
        throw NksException.notImplemented("Pier cannot rotate a cluster's certificates yet",
                "to replace an admin credential, download a new kubeconfig (GET /v1/clusters/{id}/config?expires_in=SECONDS); "
                        + "node certificates are renewed by their nodes");
    }
}
