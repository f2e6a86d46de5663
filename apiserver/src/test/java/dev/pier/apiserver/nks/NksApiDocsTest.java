package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.ApiServer;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.Harness;
import dev.pier.apiserver.resources.pier.PierKinds;
import dev.pier.pki.CertificateAuthority;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster API over HTTPS, as documented: every curl example of docs/api.md is run with the real curl against an
 * in-process server, in order, and must answer as the document says. No controller runs here, so the test plays the
 * cluster controller's part where an example needs it (the default node group, machines, the tenant cell, an event).
 * Beside the examples: the Kubernetes view of the same objects, and who may use the API.
 */
class NksApiDocsTest {
    private static final String TOKEN = "secret-token";
    private static final String DEVELOPER_TOKEN = "developer-token";
    private static final Path DOC = Path.of("..", "docs", "api.md");

    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static ApiServer server;
    static Path work;
    static LocalClient client;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        kv = SqliteStore.open(dir.resolve("state.db"));
        TokenFile tokens = TokenFile.empty();
        tokens.add(TOKEN, new UserInfo("alice", List.of(UserInfo.MASTERS)));
        tokens.add(DEVELOPER_TOKEN, new UserInfo("bob", List.of("developers")));
        cells = new Cells(kv, Clock.systemUTC(), tokens);
        CertificateAuthority ca = cells.management().certificateAuthority();
        server = ApiServer.start(cells, "127.0.0.1", 0,
                ca.issueServing("pier-apiserver", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1)), List.of(ca.certificate()));
        work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("ca.crt"), ca.certificatePem());
        client = new LocalClient(cells, "test");
        http = HttpClient.newBuilder().sslContext(trusting(ca)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        cells.close();
        kv.close();
    }

    @Test
    void everyDocumentedExampleAnswersAsDocumented() throws Exception {
        List<ApiDocExamples.Example> examples = ApiDocExamples.read(DOC).examples();
        assertThat(examples).hasSizeGreaterThan(20);
        Map<String, String> env = new HashMap<>(Map.of("PIER", pier(), "TOKEN", TOKEN));
        List<String> failures = new ArrayList<>();
        for (ApiDocExamples.Example example : examples) {
            beforeExample(example.command());
            Curl answer = curl(example.command(), env);
            if (answer.status() != example.status()) {
                failures.add(example.title() + ": documented " + example.status() + ", answered " + answer.status() + " " + answer.body());
                continue;
            }
            example.headers().forEach((name, value) -> {
                if (name.equalsIgnoreCase("Content-Type") && !answer.contentType().startsWith(value)) {
                    failures.add(example.title() + ": documented Content-Type " + value + ", answered " + answer.contentType());
                }
            });
            if (example.body() != null) {
                ApiDocExamples.differences(example.body(), Json.MAPPER.readTree(answer.body()))
                        .forEach(d -> failures.add(example.title() + ": " + d));
            }
            afterExample(example, answer, env);
        }
        assertThat(failures).isEmpty();
    }

    /** The controller's part, where the next example needs it. */
    private static void beforeExample(String command) {
        if (command.contains("/actions/resize") && machines().find("", "prod-node-1").isEmpty()) {
            for (int i = 1; i <= 3; i++) {
                machines().create("", Harness.yaml("apiVersion: pier.dev/v1\nkind: Machine\nmetadata: {name: prod-node-" + i + "}\n"
                        + "spec: {cluster: prod, nodeGroup: prod.default-worker, flavor: m1.small}"));
            }
        }
        if (command.contains("/config")) cells.createTenant("prod");
        if (command.contains("/events")) recordEvent();
    }

    /** Checks of the other view, after the examples that changed it. */
    private static void afterExample(ApiDocExamples.Example example, Curl answer, Map<String, String> env) throws Exception {
        String command = example.command();
        if (command.contains("-X POST \"$PIER/v1/clusters\"") && answer.status() == 202) {
            JsonNode created = Json.MAPPER.readTree(answer.body());
            ObjectNode cluster = clusters().get("", "prod");
            assertThat(created.path("uuid").asText()).as("the uuid is the Cluster's uid").isEqualTo(cluster.at("/metadata/uid").asText());
            assertThat(cluster.at("/spec/defaultNodeGroup/nodeCount").asInt()).isEqualTo(3);
            env.put("CLUSTER_UUID", created.path("uuid").asText());
            // the cluster controller would make the default group
            nodeGroups().create("", Harness.yaml("apiVersion: pier.dev/v1\nkind: NodeGroup\nmetadata: {name: prod.default-worker}\n"
                    + "spec: {cluster: prod, nodeCount: 3}"));
        }
        if (command.contains("/actions/resize") && answer.status() == 202) {
            assertThat(nodeGroups().get("", "prod.default-worker").at("/spec/nodesToRemove"))
                    .isEqualTo(Json.MAPPER.valueToTree(List.of("prod-node-2")));
            assertThat(clusters().get("", "prod").at("/spec/defaultNodeGroup/nodeCount").asInt()).isEqualTo(2);
        }
        if (command.contains("/nodegroups\" ") && command.contains("-X POST")) {
            ObjectNode gpu = nodeGroups().get("", "prod.gpu");
            assertThat(gpu.at("/metadata/labels/pier.dev~1cluster").asText()).isEqualTo("prod");
            assertThat(gpu.at("/spec/taints/0/key").asText()).isEqualTo("dedicated");
        }
        if (command.contains("/config")) {
            String kubeconfig = Files.readString(work.resolve("prod.kubeconfig"));
            assertThat(kubeconfig).contains("server: \"" + pier() + "/clusters/prod\"");
            Curl namespaces = run(List.of("kubectl", "--kubeconfig", "prod.kubeconfig", "get", "namespaces", "-o", "name"), Map.of());
            assertThat(namespaces.body()).as("kubectl with the downloaded kubeconfig").contains("namespace/kube-system");
        }
        if (command.contains("-X DELETE \"$PIER/v1/clusters/prod\"")) {
            assertThat(clusters().find("", "prod").map(c -> c.at("/metadata").has("deletionTimestamp")).orElse(true)).isTrue();
        }
    }

    @Test
    void aClusterMadeWithTheKubernetesApiIsSeenByTheRestApi() throws Exception {
        ObjectNode made = clusters().create("", Harness.yaml("apiVersion: pier.dev/v1\nkind: Cluster\nmetadata: {name: from-kubectl}\n"
                + "spec: {defaultNodeGroup: {nodeCount: 2, flavor: m1.medium}}"));
        HttpResponse<String> answer;
        try {
            answer = get("/v1/clusters/" + made.at("/metadata/uid").asText(), TOKEN);
        } finally {
            // the documented list shows one cluster
            clusters().delete("", "from-kubectl", dev.pier.apiserver.registry.DeleteOptions.defaults());
        }
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode view = Json.MAPPER.readTree(answer.body());
        assertThat(view.path("name").asText()).isEqualTo("from-kubectl");
        assertThat(view.path("flavor_id").asText()).isEqualTo("m1.medium");
        assertThat(view.path("node_count").asInt()).isEqualTo(2);
        assertThat(view.path("status").asText()).isEqualTo("CREATE_IN_PROGRESS");
    }

    @Test
    void onlyAdministratorsMayUseTheApi() throws Exception {
        HttpResponse<String> developer = get("/v1/clusters", DEVELOPER_TOKEN);
        assertThat(developer.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(developer.body()).at("/errors/0/detail").asText()).contains("\"bob\"");
        assertThat(get("/v1/clusters", "wrong-token").statusCode()).isEqualTo(401);
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(URI.create(pier() + "/v1/supports"))
                .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(get("/v1/nothing", TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequestNamingTheFix() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(pier() + "/v1/clusters"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("name=prod")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(answer.body()).at("/errors/0/fix").asText()).isEqualTo("send a JSON object");
    }

    private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(pier() + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void recordEvent() {
        ObjectNode cluster = clusters().get("", "prod");
        ObjectNode event = Harness.yaml("metadata: {name: prod.test, namespace: default}\ntype: Normal\nreason: Provisioning\n"
                + "message: making the control plane\ncount: 1\nsource: {component: cluster-controller}\n"
                + "lastTimestamp: '2026-01-01T00:00:00Z'\n"
                + "involvedObject: {apiVersion: pier.dev/v1, kind: Cluster, name: prod, uid: " + cluster.at("/metadata/uid").asText() + "}");
        client.resource(Cells.MANAGEMENT, client.builtin("", "v1", "events")).create("default", event);
    }

    private record Curl(int status, String contentType, String body) {
    }

    /** Runs a documented command, the status and Content-Type written after the body. */
    private static Curl curl(String command, Map<String, String> env) throws Exception {
        Curl raw = run(List.of("bash", "-c", command + " -w '\\n%{http_code} %{content_type}'"), env);
        String out = raw.body();
        int last = out.lastIndexOf('\n');
        String[] statusLine = out.substring(last + 1).split(" ", 2);
        return new Curl(Integer.parseInt(statusLine[0]), statusLine.length > 1 ? statusLine[1] : "", out.substring(0, Math.max(last, 0)));
    }

    private static Curl run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s: %s", command, text).isZero();
        return new Curl(0, "", text);
    }

    private static String pier() {
        return "https://127.0.0.1:" + server.port();
    }

    private static ResourceClient clusters() {
        return pier("clusters");
    }

    private static ResourceClient nodeGroups() {
        return pier("nodegroups");
    }

    private static ResourceClient machines() {
        return pier("machines");
    }

    private static ResourceClient pier(String resource) {
        return client.resource(Cells.MANAGEMENT, cells.management().registry().find(PierKinds.GROUP, PierKinds.VERSION, resource).orElseThrow());
    }

    private static SSLContext trusting(CertificateAuthority ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("pier", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
