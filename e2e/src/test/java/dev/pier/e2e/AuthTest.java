package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.pier.e2e.KubectlTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication: anonymous requests get 401 except the health and version endpoints, static bearer
 * tokens work on the management cell, and a client certificate of one cell is worthless at another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
    private static final String ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
    private static final String PLAIN_TOKEN = "e2e-plain-token-fedcba9876543210";

    private Path work;
    private PierProcess pier;
    private KubeconfigFile management;
    private KubeconfigFile tenant;
    private HttpClient anonymous;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("pier-e2e-auth-");
        Path tokens = Files.writeString(work.resolve("tokens.csv"), """
                # token,user,uid,"groups"
                %s,token-admin,uid-admin,"system:masters,ops"
                %s,token-plain,uid-plain
                """.formatted(ADMIN_TOKEN, PLAIN_TOKEN));
        pier = PierProcess.up(work.resolve("data"), "team-b").tokenAuthFile(tokens).start();
        management = KubeconfigFile.read(pier.kubeconfig());
        tenant = KubeconfigFile.read(pier.clusterKubeconfig());
        anonymous = HttpClient.newBuilder().sslContext(management.trustingCa()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        if (pier != null) pier.close();
        TempDirs.delete(work);
    }

    private HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pier.url() + path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return anonymous.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsWithoutCredentialsAreUnauthorized() throws Exception {
        for (String path : List.of("/api", "/apis", "/api/v1/namespaces", "/api/v1/namespaces/default/configmaps",
                "/apis/apps/v1/deployments", "/clusters/team-b/api/v1/namespaces", "/clusters/team-b/apis")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as("GET %s without credentials: %s", path, r.body()).isEqualTo(401);
            JsonNode status = json(r.body());
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
            assertThat(status.path("code").asInt()).isEqualTo(401);
        }
        HttpResponse<String> post = anonymous.send(HttpRequest.newBuilder(URI.create(pier.url() + "/api/v1/namespaces"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"sneaky\"}}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(new Kubectl(pier.kubeconfig(), work.resolve("kubectl-admin")).fails("get", "namespace", "sneaky"))
                .contains("NotFound");
    }

    @Test
    void healthAndVersionAreOpenToAnonymousClients() throws Exception {
        HttpResponse<String> version = get("/version", null);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json(version.body()).path("minor").asText()).isEqualTo("32");
        for (String path : List.of("/healthz", "/readyz", "/livez")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
            assertThat(r.body()).as("GET %s", path).isEqualTo("ok");
        }
    }

    @Test
    void kubectlWithABadTokenMustLogIn() {
        Path config = management.writeWithToken(work.resolve("bad-token.kubeconfig"), pier.url(), "not-a-known-token");
        Kubectl.Result r = new Kubectl(config, work.resolve("kubectl-bad-token")).run("get", "namespaces");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("You must be logged in to the server");
    }

    @Test
    void bearerTokensFromTheTokenFileWork() throws Exception {
        Path config = management.writeWithToken(work.resolve("admin-token.kubeconfig"), pier.url(), ADMIN_TOKEN);
        Kubectl byToken = new Kubectl(config, work.resolve("kubectl-token"));
        assertThat(byToken.ok("get", "namespaces", "-o", "name")).contains("namespace/default", "namespace/kube-system");
        assertThat(byToken.ok("create", "configmap", "by-token", "--from-literal=k=v")).contains("configmap/by-token created");
        assertThat(byToken.ok("get", "configmap", "by-token", "-o", "jsonpath={.data.k}")).isEqualTo("v");

        HttpResponse<String> raw = get("/api/v1/namespaces/default/configmaps/by-token", ADMIN_TOKEN);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(json(raw.body()).at("/metadata/name").asText()).isEqualTo("by-token");
        assertThat(get("/api/v1/namespaces", PLAIN_TOKEN).statusCode()).as("a token without groups still authenticates")
                .isNotEqualTo(401);
        assertThat(get("/api/v1/namespaces", "wrong-" + ADMIN_TOKEN).statusCode()).isEqualTo(401);
        // the management cell's tokens mean nothing to a tenant cell
        assertThat(get("/clusters/team-b/api/v1/namespaces", ADMIN_TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void aClientCertificateFromAnotherCellIsRejected() {
        // sanity: each kubeconfig works where it belongs
        assertThat(new Kubectl(pier.kubeconfig(), work.resolve("kubectl-mgmt")).ok("get", "namespaces")).contains("default");
        assertThat(new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-tenant")).ok("get", "namespaces")).contains("default");

        Path tenantCertAtManagement = tenant.writeWithServer(work.resolve("tenant-at-mgmt.kubeconfig"), pier.url());
        Kubectl.Result r = new Kubectl(tenantCertAtManagement, work.resolve("kubectl-cross-1")).run("get", "namespaces");
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).contains("You must be logged in to the server");

        Path managementCertAtTenant = management.writeWithServer(work.resolve("mgmt-at-tenant.kubeconfig"),
                pier.url() + "/clusters/team-b");
        Kubectl.Result r2 = new Kubectl(managementCertAtTenant, work.resolve("kubectl-cross-2")).run("get", "namespaces");
        assertThat(r2.exitCode()).as(r2.toString()).isNotZero();
        assertThat(r2.stderr()).contains("You must be logged in to the server");
    }
}
