package dev.pier.controllers.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.resources.certificates.Csrs;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.testing.TestApi;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.Certificates;
import dev.pier.pki.ClientIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The approving and signing controllers against a real store: from a bootstrapper's request to a certificate. */
class CsrControllersTest {
    static final UserInfo BOOTSTRAPPER = new UserInfo("system:bootstrap:abcdef", "",
            List.of("system:bootstrappers", "system:authenticated"), Map.of());

    @TempDir
    Path dir;
    TestApi api;
    Informer csrs;
    CsrApprover approver;
    CsrSigner signer;
    ResourceClient client;
    CertificateAuthority ca;

    @BeforeEach
    void start() {
        api = new TestApi(dir);
        csrs = api.informer("certificates.k8s.io", "certificatesigningrequests");
        approver = CsrApprover.create(api.client, csrs, api.events, new WorkQueue<>("a", Backoff.DEFAULT, WorkQueue.QueueListener.NONE));
        signer = CsrSigner.create(api.client, csrs, api.events, new WorkQueue<>("s", Backoff.DEFAULT, WorkQueue.QueueListener.NONE), api.clock);
        api.start();
        client = api.resource("certificates.k8s.io", "certificatesigningrequests");
        ca = api.client.cell(TestApi.CELL).certificateAuthority();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ObjectNode create(ObjectNode csr, UserInfo user) {
        var cell = api.client.cell(TestApi.CELL);
        ObjectNode created = cell.store(client.type()).create("", csr, new WriteOptions(false, "test", "Ignore", user));
        api.settle();
        return created;
    }

    private ObjectNode syncBoth(String name) {
        ObjectKey key = new ObjectKey(TestApi.CELL, "", name);
        approver.sync(key);
        api.settle();
        signer.sync(key);
        api.settle();
        return client.get("", name);
    }

    private X509Certificate certificate(ObjectNode csr) {
        return Certificates.parse(Csrs.decode(csr.at("/status/certificate").asText())).getFirst();
    }

    @Test
    void aNewNodesRequestIsApprovedAndSignedForItsDuration() throws Exception {
        ObjectNode request = ApprovalDecisionTest.client("system:node:n1", List.of("system:nodes"), List.of("client auth"), "", List.of());
        request.with("spec").put("expirationSeconds", 3600);
        request.put("apiVersion", "certificates.k8s.io/v1").put("kind", "CertificateSigningRequest");
        create(request, BOOTSTRAPPER);
        ObjectNode done = syncBoth("csr-1");
        assertThat(done.at("/status/conditions/0/type").asText()).isEqualTo("Approved");
        X509Certificate cert = certificate(done);
        cert.verify(ca.certificate().getPublicKey());
        assertThat(ca.authenticateClient(cert)).contains(new ClientIdentity("system:node:n1", List.of("system:nodes")));
        assertThat(cert.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));
    }

    @Test
    void withoutExpirationSecondsACertificateLastsAYear() {
        assertThat(CsrSigner.validity(ApprovalDecisionTest.client("x", List.of(), List.of(), "", List.of())))
                .isEqualTo(Duration.ofDays(365));
        ObjectNode tenYears = ApprovalDecisionTest.client("x", List.of(), List.of(), "", List.of());
        tenYears.with("spec").put("expirationSeconds", 10L * 365 * 86400);
        assertThat(CsrSigner.validity(tenYears)).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void anAdminApprovedRequestThatBreaksItsSignersRulesFails() {
        ObjectNode request = ApprovalDecisionTest.client("admin", List.of("system:masters"), List.of("client auth"), "", List.of());
        request.put("apiVersion", "certificates.k8s.io/v1").put("kind", "CertificateSigningRequest");
        ObjectNode created = create(request, BOOTSTRAPPER);
        ObjectNode pending = syncBoth("csr-1");
        assertThat(pending.has("status")).as("not auto-approved").isFalse();
        // an admin approves anyway: the signer still refuses a kubelet-client certificate for "admin"
        created.putObject("status").putArray("conditions").addObject().put("type", "Approved").put("status", "True");
        client.updateApproval(created);
        api.settle();
        ObjectNode failed = syncBoth("csr-1");
        assertThat(Csrs.hasCondition(failed, Csrs.FAILED)).isTrue();
        assertThat(Csrs.isIssued(failed)).isFalse();
    }

    @Test
    void anAdminApprovedApiserverClientRequestIsSigned() {
        ObjectNode request = ApprovalDecisionTest.csr(Csrs.APISERVER_CLIENT, "alice", List.of("developers"), List.of(), List.of(),
                List.of("client auth"), "", List.of());
        request.put("apiVersion", "certificates.k8s.io/v1").put("kind", "CertificateSigningRequest");
        ObjectNode created = create(request, new UserInfo("alice", List.of("system:authenticated")));
        assertThat(syncBoth("csr-1").has("status")).as("never approved by Pier itself").isFalse();
        created.putObject("status").putArray("conditions").addObject().put("type", "Approved").put("status", "True");
        client.updateApproval(created);
        api.settle();
        ObjectNode issued = syncBoth("csr-1");
        assertThat(ca.authenticateClient(certificate(issued))).contains(new ClientIdentity("alice", List.of("developers")));
    }
}
