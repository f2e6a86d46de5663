package dev.pier.controllers.certificates;

import dev.pier.apiserver.resources.certificates.Csrs;
import dev.pier.pki.CertificateRequest;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a request must look like for each signer Pier runs, after Kubernetes' signer requirements
 * (kubernetes.io/kube-apiserver-client-kubelet, kubelet-serving, kube-apiserver-client). The approver checks
 * them before approving and the signer again before signing, whoever approved. Each rule answers the
 * problem, empty when there is none.
 */
final class NodeCsrRules {
    static final String NODE_PREFIX = "system:node:";
    static final String NODES_GROUP = "system:nodes";
    private static final Set<String> CLIENT_USAGES = Set.of("client auth", "digital signature", "key encipherment");
    private static final Set<String> SERVING_USAGES = Set.of("server auth", "digital signature", "key encipherment");

    private NodeCsrRules() {
    }

    /** The node a request names (CN {@code system:node:<name>}), or empty. */
    static Optional<String> nodeName(CertificateRequest request) {
        List<String> cns = request.commonNames();
        if (cns.size() != 1 || !cns.getFirst().startsWith(NODE_PREFIX) || cns.getFirst().length() == NODE_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(cns.getFirst().substring(NODE_PREFIX.length()));
    }

    /** A node's client certificate: subject exactly {@code CN=system:node:<name>, O=system:nodes}, no SANs, client auth. */
    static Optional<String> kubeletClient(CertificateRequest request, List<String> usages) {
        Optional<String> subject = nodeSubject(request);
        if (subject.isPresent()) return subject;
        if (!request.dnsNames().isEmpty() || !request.ipAddresses().isEmpty() || request.hasOtherSubjectAltNames()) {
            return Optional.of("a kubelet client certificate has no subject alternative names");
        }
        return usages(usages, "client auth", CLIENT_USAGES);
    }

    /** A kubelet's serving certificate: the node's subject, DNS and IP names only (at least one), server auth. */
    static Optional<String> kubeletServing(CertificateRequest request, List<String> usages) {
        Optional<String> subject = nodeSubject(request);
        if (subject.isPresent()) return subject;
        if (request.hasOtherSubjectAltNames()) return Optional.of("a kubelet serving certificate may only name DNS names and IP addresses");
        if (request.dnsNames().isEmpty() && request.ipAddresses().isEmpty()) {
            return Optional.of("a kubelet serving certificate must name at least one DNS name or IP address");
        }
        return usages(usages, "server auth", SERVING_USAGES);
    }

    /** A client certificate for the API server: client auth, nothing beyond signing and key encipherment. */
    static Optional<String> apiserverClient(List<String> usages) {
        return usages(usages, "client auth", CLIENT_USAGES);
    }

    /** The rule of a signer Pier runs; empty Optional of Optional when Pier does not sign for it. */
    static Optional<Optional<String>> forSigner(String signer, CertificateRequest request, List<String> usages) {
        return switch (signer) {
            case Csrs.KUBELET_CLIENT -> Optional.of(kubeletClient(request, usages));
            case Csrs.KUBELET_SERVING -> Optional.of(kubeletServing(request, usages));
            case Csrs.APISERVER_CLIENT -> Optional.of(apiserverClient(usages));
            default -> Optional.empty();
        };
    }

    private static Optional<String> nodeSubject(CertificateRequest request) {
        if (nodeName(request).isEmpty()) return Optional.of("the subject's common name must be system:node:<node name>");
        if (!request.organizations().equals(List.of(NODES_GROUP))) return Optional.of("the subject's organization must be exactly system:nodes");
        if (request.hasOtherSubjectAttributes()) return Optional.of("the subject may only have a common name and an organization");
        return Optional.empty();
    }

    private static Optional<String> usages(List<String> usages, String required, Set<String> allowed) {
        if (!usages.contains(required)) return Optional.of("usages must include \"" + required + "\"");
        for (String u : usages) {
            if (!allowed.contains(u)) return Optional.of("usage \"" + u + "\" is not allowed; allowed: " + allowed.stream().sorted().toList());
        }
        return Optional.empty();
    }
}
