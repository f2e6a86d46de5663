package dev.pier.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.resources.Harness;
import dev.pier.pki.CertificateRequest;
import dev.pier.pki.Certificates;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CertificateSigningRequests through a cell's generic store: who asked, validation, approval and status. */
class CertificateSigningRequestsTest {
    private static final UserInfo BOOTSTRAPPER = new UserInfo("system:bootstrap:abcdef", "",
            List.of("system:bootstrappers", "system:authenticated"), Map.of());
    private static final UserInfo ADMIN = new UserInfo("admin", List.of("system:masters", "system:authenticated"));

    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static Cell cell;
    static ResourceStore csrs;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        cell = cells.createTenant("certs");
        csrs = cell.store(cell.registry().find("certificates.k8s.io", "v1", "certificatesigningrequests").orElseThrow());
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    static ObjectNode csr(String name, String requestPem, String signer, List<String> usages) {
        ObjectNode o = Json.object();
        o.put("apiVersion", "certificates.k8s.io/v1");
        o.put("kind", "CertificateSigningRequest");
        o.putObject("metadata").put("name", name);
        ObjectNode spec = o.putObject("spec");
        spec.put("request", Csrs.encode(requestPem));
        if (signer != null) spec.put("signerName", signer);
        usages.forEach(spec.putArray("usages")::add);
        // a client claiming to be someone else: the server must overwrite this
        spec.put("username", "admin");
        spec.putArray("groups").add("system:masters");
        return o;
    }

    static String nodeRequest(String node) {
        return CertificateRequest.generate("system:node:" + node, List.of("system:nodes"), List.of(), List.of()).requestPem();
    }

    private static WriteOptions as(UserInfo user) {
        return new WriteOptions(false, "test", "Strict", user);
    }

    private static List<String> causes(ApiException e) {
        return e.toStatus().path("details").path("causes").findValuesAsText("field");
    }

    @Test
    void theServerRecordsWhoAskedWhateverTheClientClaims() {
        ObjectNode created = csrs.create("", csr("who", nodeRequest("n1"), Csrs.KUBELET_CLIENT, List.of("client auth")), as(BOOTSTRAPPER));
        assertThat(created.at("/spec/username").asText()).isEqualTo("system:bootstrap:abcdef");
        assertThat(created.at("/spec/groups").toString()).isEqualTo("[\"system:bootstrappers\",\"system:authenticated\"]");
        assertThat(created.has("status")).isFalse();
        // the spec never changes afterwards, not even for an admin
        ObjectNode edited = created.deepCopy();
        ((ObjectNode) edited.get("spec")).put("signerName", Csrs.APISERVER_CLIENT);
        ObjectNode updated = csrs.update("", "who", edited, false, as(ADMIN));
        assertThat(updated.at("/spec/signerName").asText()).isEqualTo(Csrs.KUBELET_CLIENT);
    }

    @Test
    void requestsMustParseAndNameASignerAndKnownUsages() {
        assertThatThrownBy(() -> csrs.create("", csr("bad", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                "", List.of("client auth", "flying")), as(ADMIN)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(causes(e)).contains("spec.request", "spec.usages[1]");
                });
        ObjectNode shortLived = csr("short", nodeRequest("n1"), Csrs.KUBELET_CLIENT, List.of("client auth"));
        ((ObjectNode) shortLived.get("spec")).put("expirationSeconds", 60);
        assertThatThrownBy(() -> csrs.create("", shortLived, as(ADMIN)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(causes(e)).containsExactly("spec.expirationSeconds"));
        ObjectNode noSigner = csrs.create("", csr("legacy", nodeRequest("n1"), null, List.of("client auth")), as(ADMIN));
        assertThat(noSigner.at("/spec/signerName").asText()).isEqualTo(Csrs.LEGACY_UNKNOWN);
    }

    @Test
    void approvalIsOnlyThroughTheApprovalSubresourceAndCannotBeUndone() {
        ObjectNode created = csrs.create("", csr("approve-me", nodeRequest("n2"), Csrs.KUBELET_CLIENT, List.of("client auth")), as(BOOTSTRAPPER));
        ObjectNode approved = created.deepCopy();
        approved.putObject("status").putArray("conditions").addObject().put("type", "Approved").put("status", "True")
                .put("reason", "KubectlApprove").put("message", "approved by a test");
        // /status may not approve
        assertThatThrownBy(() -> csrs.update("", "approve-me", approved.deepCopy(), true, as(ADMIN)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        // and neither may the main resource (the status is carried over)
        assertThat(csrs.update("", "approve-me", approved.deepCopy(), false, as(ADMIN)).has("status")).isFalse();

        ObjectNode after = CsrApproval.update(csrs, "approve-me", approved.deepCopy(), as(ADMIN), Clock.systemUTC());
        assertThat(Csrs.isApproved(after)).isTrue();
        assertThat(after.at("/status/conditions/0/lastUpdateTime").asText()).isNotEmpty();

        ObjectNode denied = after.deepCopy();
        ((ObjectNode) denied.at("/status/conditions/0")).put("type", "Denied");
        denied.withObject("metadata").remove("resourceVersion");
        assertThatThrownBy(() -> CsrApproval.update(csrs, "approve-me", denied, as(ADMIN), Clock.systemUTC()))
                .as("Approved cannot be taken back, nor Denied added beside it")
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void theCertificateIsSetThroughStatusOnlyOnceApprovedAndThenNeverChanges() {
        csrs.create("", csr("issue-me", nodeRequest("n3"), Csrs.KUBELET_CLIENT, List.of("client auth")), as(BOOTSTRAPPER));
        String cert = Csrs.encode(Certificates.toPem(cell.certificateAuthority().certificate()));
        ObjectNode withCert = csrs.get("", "issue-me");
        withCert.putObject("status").put("certificate", cert);
        assertThatThrownBy(() -> csrs.update("", "issue-me", withCert.deepCopy(), true, as(ADMIN)))
                .as("not approved yet").isInstanceOfSatisfying(ApiException.class, e -> assertThat(causes(e)).contains("status.certificate"));

        ObjectNode approve = csrs.get("", "issue-me");
        approve.putObject("status").putArray("conditions").addObject().put("type", "Approved").put("status", "True");
        ObjectNode approved = CsrApproval.update(csrs, "issue-me", approve, as(ADMIN), Clock.systemUTC());
        ObjectNode issue = approved.deepCopy();
        ((ObjectNode) issue.get("status")).put("certificate", cert);
        ObjectNode issued = csrs.update("", "issue-me", issue, true, as(ADMIN));
        assertThat(CertificateSigningRequestStrategy.condition(issued)).isEqualTo("Approved,Issued");

        ObjectNode garbage = issued.deepCopy();
        ((ObjectNode) garbage.get("status")).put("certificate", Csrs.encode("not a certificate"));
        assertThatThrownBy(() -> csrs.update("", "issue-me", garbage, true, as(ADMIN)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(causes(e)).contains("status.certificate"));
    }

    @Test
    void tableColumnsAreKubectls() {
        ObjectNode o = csrs.create("", csr("table", nodeRequest("n4"), Csrs.KUBELET_CLIENT, List.of("client auth")), as(BOOTSTRAPPER));
        ((ObjectNode) o.get("spec")).put("expirationSeconds", 3600);
        Map<String, String> row = Harness.row(CertificateSigningRequestStrategy.INSTANCE.table(), o);
        assertThat(row.keySet()).containsExactly("Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition");
        assertThat(row).containsEntry("SignerName", Csrs.KUBELET_CLIENT).containsEntry("Requestor", "system:bootstrap:abcdef")
                .containsEntry("RequestedDuration", "60m").containsEntry("Condition", "Pending");
    }
}
