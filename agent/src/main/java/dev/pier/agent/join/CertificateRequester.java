package dev.pier.agent.join;

import dev.pier.pki.CertificateRequest;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the cluster for a certificate, as the kubelet's certificate manager does: creates a
 * CertificateSigningRequest for a fresh key and watches it until the signer has written the certificate,
 * or someone denied it, or the signer failed it.
 */
final class CertificateRequester {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRequester.class);

    private CertificateRequester() {
    }

    /** A certificate (PEM) for the request's key, from {@code signerName}. */
    static String request(KubernetesClient client, CertificateRequest.KeyAndRequest request, String signerName, List<String> usages,
                          Duration expiration, Duration timeout) {
        CertificateSigningRequest csr = new CertificateSigningRequestBuilder()
                .withMetadata(new ObjectMetaBuilder().withGenerateName("csr-").build())
                .withNewSpec()
                .withRequest(Base64.getEncoder().encodeToString(request.requestPem().getBytes(StandardCharsets.US_ASCII)))
                .withSignerName(signerName)
                .withUsages(usages)
                .withExpirationSeconds(expiration == null ? null : (int) expiration.toSeconds())
                .endSpec()
                .build();
        var csrs = client.certificates().v1().certificateSigningRequests();
        String name = csrs.resource(csr).create().getMetadata().getName();
        LOG.info("Asked for a certificate from {}: CertificateSigningRequest {}", signerName, name);
        CertificateSigningRequest done;
        try {
            done = csrs.withName(name).waitUntilCondition(c -> c == null || issued(c) || refused(c) != null,
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new JoinException("CertificateSigningRequest " + name + " was not issued within " + timeout
                    + " (is it waiting for an admin? kubectl certificate approve " + name + ")", e);
        }
        if (done == null) throw new JoinException("CertificateSigningRequest " + name + " was deleted before it was issued");
        CertificateSigningRequestCondition refused = refused(done);
        if (refused != null) {
            throw new JoinException("CertificateSigningRequest " + name + " was " + refused.getType().toLowerCase() + ": "
                    + refused.getReason() + " " + refused.getMessage());
        }
        return new String(Base64.getDecoder().decode(done.getStatus().getCertificate()), StandardCharsets.US_ASCII);
    }

    private static boolean issued(CertificateSigningRequest csr) {
        return csr.getStatus() != null && csr.getStatus().getCertificate() != null && !csr.getStatus().getCertificate().isEmpty();
    }

    private static CertificateSigningRequestCondition refused(CertificateSigningRequest csr) {
        if (csr.getStatus() == null || csr.getStatus().getConditions() == null) return null;
        for (var c : csr.getStatus().getConditions()) {
            if ((c.getType().equals("Denied") || c.getType().equals("Failed")) && "True".equals(c.getStatus())) return c;
        }
        return null;
    }
}
