package dev.pier.controllers.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.certificates.Csrs;
import dev.pier.controllers.certificates.ApprovalDecision.Outcome;
import dev.pier.pki.CertificateRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which CertificateSigningRequests Pier approves by itself. */
class ApprovalDecisionTest {
    static final List<String> BOOTSTRAPPERS = List.of("system:bootstrappers", "system:authenticated");
    static final List<String> NODES = List.of("system:nodes", "system:authenticated");

    static ObjectNode csr(String signer, String cn, List<String> orgs, List<String> dns, List<String> ips, List<String> usages,
                          String username, List<String> groups) {
        ObjectNode o = Json.object();
        o.putObject("metadata").put("name", "csr-1");
        ObjectNode spec = o.putObject("spec");
        spec.put("request", Csrs.encode(CertificateRequest.generate(cn, orgs, dns, ips).requestPem()));
        spec.put("signerName", signer);
        usages.forEach(spec.putArray("usages")::add);
        spec.put("username", username);
        groups.forEach(spec.putArray("groups")::add);
        return o;
    }

    static ObjectNode client(String cn, List<String> orgs, List<String> usages, String username, List<String> groups) {
        return csr(Csrs.KUBELET_CLIENT, cn, orgs, List.of(), List.of(), usages, username, groups);
    }

    static Outcome outcome(ObjectNode csr) {
        return ApprovalDecision.of(csr).outcome();
    }

    private static final List<String> CLIENT = List.of("digital signature", "key encipherment", "client auth");

    @Test
    void aBootstrapperGetsANewNodesClientCertificate() {
        ApprovalDecision d = ApprovalDecision.of(client("system:node:n1", List.of("system:nodes"), CLIENT, "system:bootstrap:abcdef", BOOTSTRAPPERS));
        assertThat(d.outcome()).isEqualTo(Outcome.APPROVE);
        assertThat(d.reason()).isEqualTo("AutoApproved");
        assertThat(outcome(client("system:node:n1", List.of("system:nodes"), List.of("client auth"), "system:bootstrap:abcdef", BOOTSTRAPPERS)))
                .isEqualTo(Outcome.APPROVE);
    }

    @Test
    void aNodeRenewsOnlyItsOwnClientCertificate() {
        assertThat(outcome(client("system:node:n1", List.of("system:nodes"), CLIENT, "system:node:n1", NODES))).isEqualTo(Outcome.APPROVE);
        assertThat(outcome(client("system:node:n1", List.of("system:nodes"), CLIENT, "system:node:n2", NODES))).isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(client("system:node:n1", List.of("system:nodes"), CLIENT, "alice", List.of("system:authenticated"))))
                .isEqualTo(Outcome.LEAVE_PENDING);
    }

    @Test
    void theSubjectMustBeExactlyANodesAndTheUsagesAClients() {
        String boot = "system:bootstrap:abcdef";
        assertThat(outcome(client("admin", List.of("system:nodes"), CLIENT, boot, BOOTSTRAPPERS))).isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(client("system:node:", List.of("system:nodes"), CLIENT, boot, BOOTSTRAPPERS))).isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(client("system:node:n1", List.of("system:nodes", "system:masters"), CLIENT, boot, BOOTSTRAPPERS)))
                .as("no extra groups").isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(client("system:node:n1", List.of(), CLIENT, boot, BOOTSTRAPPERS))).isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(client("system:node:n1", List.of("system:nodes"), List.of("client auth", "server auth"), boot, BOOTSTRAPPERS)))
                .isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(client("system:node:n1", List.of("system:nodes"), List.of("digital signature"), boot, BOOTSTRAPPERS)))
                .isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(csr(Csrs.KUBELET_CLIENT, "system:node:n1", List.of("system:nodes"), List.of("n1"), List.of(), CLIENT, boot,
                BOOTSTRAPPERS))).as("a client certificate names no hosts").isEqualTo(Outcome.LEAVE_PENDING);
        ApprovalDecision d = ApprovalDecision.of(client("admin", List.of("system:masters"), CLIENT, boot, BOOTSTRAPPERS));
        assertThat(d.message()).contains("system:node:");
    }

    @Test
    void aNodeGetsItsOwnServingCertificateWithIpAndDnsNames() {
        List<String> serving = List.of("digital signature", "key encipherment", "server auth");
        assertThat(outcome(csr(Csrs.KUBELET_SERVING, "system:node:n1", List.of("system:nodes"), List.of("n1"), List.of("10.250.0.5"),
                serving, "system:node:n1", NODES))).isEqualTo(Outcome.APPROVE);
        assertThat(outcome(csr(Csrs.KUBELET_SERVING, "system:node:n1", List.of("system:nodes"), List.of("n1"), List.of("10.250.0.5"),
                serving, "system:bootstrap:abcdef", BOOTSTRAPPERS))).as("a bootstrapper is no node yet").isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(csr(Csrs.KUBELET_SERVING, "system:node:n1", List.of("system:nodes"), List.of("n1"), List.of(),
                serving, "system:node:n2", NODES))).isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(csr(Csrs.KUBELET_SERVING, "system:node:n1", List.of("system:nodes"), List.of(), List.of(),
                serving, "system:node:n1", NODES))).as("no names at all").isEqualTo(Outcome.LEAVE_PENDING);
        assertThat(outcome(csr(Csrs.KUBELET_SERVING, "system:node:n1", List.of("system:nodes"), List.of("n1"), List.of(),
                List.of("server auth", "client auth"), "system:node:n1", NODES))).isEqualTo(Outcome.LEAVE_PENDING);
    }

    @Test
    void otherSignersAndDecidedRequestsAreNotPiersToApprove() {
        assertThat(outcome(csr(Csrs.APISERVER_CLIENT, "alice", List.of(), List.of(), List.of(), List.of("client auth"), "system:node:n1", NODES)))
                .isEqualTo(Outcome.NOT_MINE);
        assertThat(outcome(csr("example.com/mine", "alice", List.of(), List.of(), List.of(), List.of("client auth"), "alice", NODES)))
                .isEqualTo(Outcome.NOT_MINE);
        ObjectNode denied = client("system:node:n1", List.of("system:nodes"), CLIENT, "system:bootstrap:abcdef", BOOTSTRAPPERS);
        denied.putObject("status").putArray("conditions").addObject().put("type", "Denied").put("status", "True");
        assertThat(outcome(denied)).isEqualTo(Outcome.NOT_MINE);
    }
}
