package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.agent.join.CertificateRenewer;
import dev.pier.agent.join.JoinException;
import dev.pier.agent.join.JoinOptions;
import dev.pier.agent.join.NodeBootstrap;
import dev.pier.agent.join.NodeCredentials;
import dev.pier.pki.CertificateRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static dev.pier.e2e.KubectlTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node joins a tenant cluster of a real {@code pier up}: a bootstrap token (a kube-system Secret made with
 * kubectl) buys a client certificate through a CertificateSigningRequest the cluster approves and signs; the
 * node's own certificate then asks for its serving certificate and for renewals. kubectl lists, approves and
 * denies requests; expired and unknown tokens are refused, and a bootstrapper may do nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeJoinTest {
    private static final String CLUSTER = "joiners";

    private Path work;
    private PierProcess pier;
    private Kubectl admin;
    private Path caFile;
    private URI server;
    private HttpClient http;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("pier-e2e-join-");
        // no local machines: the test is the node (a killed server would leave its machines behind)
        pier = PierProcess.up(work.resolve("data"), CLUSTER).args("--nodes", "0").start();
        admin = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl"));
        KubeconfigFile tenant = KubeconfigFile.read(pier.clusterKubeconfig());
        caFile = Files.writeString(work.resolve("ca.crt"), tenant.caPem());
        server = URI.create(pier.url() + "/clusters/" + CLUSTER);
        http = HttpClient.newBuilder().sslContext(tenant.trustingCa()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        if (pier != null) pier.close();
        TempDirs.delete(work);
    }

    /** A bootstrap token as {@code kubeadm token create} writes it. */
    private String token(String id, Instant expiration) {
        String secret = "0123456789" + id;
        admin.runWithInput("""
                apiVersion: v1
                kind: Secret
                metadata: {name: bootstrap-token-%s, namespace: kube-system}
                type: bootstrap.kubernetes.io/token
                stringData:
                  token-id: %s
                  token-secret: "%s"
                  expiration: "%s"
                  usage-bootstrap-authentication: "true"
                  usage-bootstrap-signing: "true"
                """.formatted(id, id, secret, expiration.truncatedTo(ChronoUnit.SECONDS)), "apply", "-f", "-");
        return id + "." + secret;
    }

    private JoinOptions options(String token, String node, Path dataDir) {
        return new JoinOptions(server, caFile, token, node, List.of("10.250.0.9"), dataDir, Duration.ofHours(1), Duration.ofSeconds(30));
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server + path)).header("Authorization", "Bearer " + bearer)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNodeJoinsWithABootstrapTokenAndThenUsesItsOwnCertificates() throws Exception {
        String token = token("join01", Instant.now().plus(Duration.ofHours(1)));
        Path dataDir = work.resolve("agent-n1");
        NodeCredentials credentials = NodeBootstrap.join(options(token, "n1", dataDir));

        X509Certificate client = credentials.currentClientCertificate();
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:n1,O=system:nodes");
        assertThat(client.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofMinutes(58)), Instant.now().plus(Duration.ofHours(1)));
        assertThat(Files.getPosixFilePermissions(credentials.clientKey()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        X509Certificate serving = credentials.currentServingCertificate();
        List<String> sans = new ArrayList<>();
        for (List<?> san : serving.getSubjectAlternativeNames()) sans.add(String.valueOf(san.get(1)));
        assertThat(sans).containsExactlyInAnyOrder("n1", "10.250.0.9");
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

        // the node's kubeconfig works with real kubectl, as system:node:n1
        Kubectl node = new Kubectl(credentials.kubeconfig(), work.resolve("kubectl-n1"));
        assertThat(node.ok("get", "namespaces", "-o", "name")).contains("namespace/kube-system");
        // kubectl get csr shows who asked for what, as on a real cluster
        String table = admin.ok("get", "csr");
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION");
        assertThat(table).contains("kubernetes.io/kube-apiserver-client-kubelet   system:bootstrap:join01   60m")
                .contains("kubernetes.io/kubelet-serving", "system:node:n1", "Approved,Issued");

        // a renewal asks with the node's own certificate, and swaps the files
        try (CertificateRenewer renewer = CertificateRenewer.start(options(null, "n1", dataDir), credentials, (w, c) -> { })) {
            assertThat(renewer.nextRenewal()).isAfter(Instant.now().plus(Duration.ofMinutes(40)));
            renewer.renew(CertificateRenewer.Renewed.CLIENT);
        }
        assertThat(credentials.currentClientCertificate().getSerialNumber()).isNotEqualTo(client.getSerialNumber());
        assertThat(node.ok("get", "namespaces", "-o", "name")).contains("namespace/default");
        JsonNode csrs = json(admin.ok("get", "csr", "-o", "json"));
        List<String> requestors = new ArrayList<>();
        for (JsonNode c : csrs.path("items")) {
            if (c.at("/spec/signerName").asText().equals("kubernetes.io/kube-apiserver-client-kubelet")) {
                requestors.add(c.at("/spec/username").asText());
            }
        }
        assertThat(requestors).contains("system:bootstrap:join01", "system:node:n1");

        // joining again keeps valid certificates and needs no token
        NodeBootstrap.join(options(null, "n1", dataDir));
        assertThat(credentials.currentServingCertificate().getSerialNumber()).isEqualTo(serving.getSerialNumber());
    }

    @Test
    void expiredAndUnknownTokensAreRefused() throws Exception {
        String expired = token("old001", Instant.now().minus(Duration.ofMinutes(1)));
        assertThat(get("/apis/certificates.k8s.io/v1/certificatesigningrequests", expired).statusCode()).isEqualTo(401);
        assertThat(get("/apis/certificates.k8s.io/v1/certificatesigningrequests", "nobody.0123456789abcdef").statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> NodeBootstrap.join(options(expired, "n2", work.resolve("agent-n2"))))
                .hasStackTraceContaining("401");
    }

    @Test
    void aBootstrapperMayOnlyAskForCertificates() throws Exception {
        String token = token("boot01", Instant.now().plus(Duration.ofHours(1)));
        assertThat(get("/apis/certificates.k8s.io/v1/certificatesigningrequests", token).statusCode()).isEqualTo(200);
        HttpResponse<String> pods = get("/api/v1/namespaces/default/pods", token);
        assertThat(pods.statusCode()).isEqualTo(403);
        JsonNode status = json(pods.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("message").asText()).isEqualTo("pods is forbidden: User \"system:bootstrap:boot01\" cannot list "
                + "resource \"pods\" in API group \"\" in the namespace \"default\"");
        assertThat(get("/api/v1/namespaces/kube-system/secrets", token).statusCode()).isEqualTo(403);
    }

    @Test
    void kubectlApprovesAndDeniesRequests() {
        for (String user : List.of("alice", "bob")) {
            String request = CertificateRequest.generate(user, List.of("developers"), List.of(), List.of()).requestPem();
            admin.runWithInput("""
                    apiVersion: certificates.k8s.io/v1
                    kind: CertificateSigningRequest
                    metadata: {name: %s}
                    spec:
                      request: %s
                      signerName: kubernetes.io/kube-apiserver-client
                      usages: [client auth]
                    """.formatted(user, Base64.getEncoder().encodeToString(request.getBytes())), "create", "-f", "-");
        }
        assertThat(admin.ok("get", "csr", "alice", "--no-headers")).contains("kubernetes.io/kube-apiserver-client", "Pending");
        assertThat(admin.ok("certificate", "approve", "alice")).contains("certificatesigningrequest.certificates.k8s.io/alice approved");
        assertThat(admin.ok("certificate", "deny", "bob")).contains("certificatesigningrequest.certificates.k8s.io/bob denied");
        Await.until(Duration.ofSeconds(20), "alice's certificate to be issued",
                () -> admin.ok("get", "csr", "alice", "--no-headers").contains("Approved,Issued"));
        assertThat(admin.ok("get", "csr", "bob", "--no-headers")).contains("Denied").doesNotContain("Issued");
        String issued = admin.ok("get", "csr", "alice", "-o", "jsonpath={.status.certificate}");
        assertThat(new String(Base64.getDecoder().decode(issued))).startsWith("-----BEGIN CERTIFICATE-----");
        // what a request asks for can never be made to look like someone else's
        assertThat(admin.ok("get", "csr", "alice", "-o", "jsonpath={.spec.username}")).isEqualTo("admin");
        assertThat(Set.of(admin.fails("certificate", "approve", "bob", "--force"))).isNotEmpty();
    }
}
