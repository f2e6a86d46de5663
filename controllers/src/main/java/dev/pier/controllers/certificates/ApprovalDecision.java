package dev.pier.controllers.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.certificates.Csrs;
import dev.pier.pki.CertificateRequest;

import java.util.List;
import java.util.Optional;

/**
 * Whether Pier approves a CertificateSigningRequest by itself, after Kubernetes' csrapproving controller
 * plus the kubelet-serving approval a managed service adds:
 * <ul>
 *   <li>{@code kube-apiserver-client-kubelet}: a well-formed node client request from a bootstrapper (a new
 *       node) or from that very node (renewal);</li>
 *   <li>{@code kubelet-serving}: a well-formed serving request from the node it names.</li>
 * </ul>
 * Anything else Pier leaves pending for an admin ({@code kubectl certificate approve|deny}); it never denies.
 *
 * @param outcome what to do
 * @param reason  the condition's reason (approve) or the event's reason (leave pending)
 * @param message for the condition or the event
 */
record ApprovalDecision(Outcome outcome, String reason, String message) {
    enum Outcome { APPROVE, LEAVE_PENDING, NOT_MINE }

    static final ApprovalDecision NOT_MINE = new ApprovalDecision(Outcome.NOT_MINE, "", "");

    static ApprovalDecision of(JsonNode csr) {
        if (Csrs.isDecided(csr)) return NOT_MINE;
        String signer = Csrs.signerName(csr);
        if (!signer.equals(Csrs.KUBELET_CLIENT) && !signer.equals(Csrs.KUBELET_SERVING)) return NOT_MINE;
        CertificateRequest request;
        try {
            request = Csrs.request(csr);
        } catch (IllegalArgumentException e) {
            return pending("the request does not parse: " + e.getMessage());
        }
        List<String> usages = Csrs.usages(csr);
        String username = csr.path("spec").path("username").asText("");
        List<String> groups = Csrs.groups(csr);
        Optional<String> node = NodeCsrRules.nodeName(request);
        if (signer.equals(Csrs.KUBELET_CLIENT)) {
            Optional<String> problem = NodeCsrRules.kubeletClient(request, usages);
            if (problem.isPresent()) return pending(problem.get());
            if (groups.contains("system:bootstrappers")) {
                return approve("AutoApproved", "Auto approving kubelet client certificate of a new node (bootstrap token " + username + ")");
            }
            if (username.equals(NodeCsrRules.NODE_PREFIX + node.orElseThrow())) {
                return approve("AutoApproved", "Auto approving self kubelet client certificate after SubjectAccessReview.");
            }
            return pending("only a bootstrapper or node " + node.get() + " itself may ask for its client certificate, not " + username);
        }
        Optional<String> problem = NodeCsrRules.kubeletServing(request, usages);
        if (problem.isPresent()) return pending(problem.get());
        if (!username.equals(NodeCsrRules.NODE_PREFIX + node.orElseThrow())) {
            return pending("only node " + node.get() + " itself may ask for its serving certificate, not " + username);
        }
        return approve("AutoApproved", "Auto approving kubelet serving certificate of node " + node.get());
    }

    private static ApprovalDecision approve(String reason, String message) {
        return new ApprovalDecision(Outcome.APPROVE, reason, message);
    }

    private static ApprovalDecision pending(String why) {
        return new ApprovalDecision(Outcome.LEAVE_PENDING, "NotAutoApproved", "left for an admin to approve or deny: " + why);
    }
}
