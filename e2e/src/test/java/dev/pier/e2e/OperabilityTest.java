package dev.pier.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static dev.pier.e2e.KubectlTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operating Pier: Prometheus metrics at /metrics (everything, for the management cluster's admins) and at
 * /clusters/&lt;name&gt;/metrics (one tenant's series only), never anonymous; and the server's log. Two tenant
 * cells: the first run of the data directory creates team-a, the second (the server under test) team-b.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperabilityTest {
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(20);
    private static final String PLAIN_TOKEN = "e2e-plain-" + UUID.randomUUID();
    private static final String MONITORING_TOKEN = "e2e-monitoring-" + UUID.randomUUID();
    private static final String BAD_TOKEN = "e2e-bad-" + UUID.randomUUID();

    private Path work;
    private PierProcess pier;
    private String firstRunLog;
    private int firstRunExit;
    private Kubectl admin;
    private Kubectl teamA;
    private Kubectl teamB;
    private HttpClient anonymous;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("pier-e2e-operability-");
        Path tokens = Files.writeString(work.resolve("tokens.csv"), """
                %s,plain-user,uid-plain
                %s,prometheus,uid-prometheus,"system:monitoring"
                """.formatted(PLAIN_TOKEN, MONITORING_TOKEN));
        Path data = work.resolve("data");
        // Debug level, so that the test of what never reaches the log also covers the debug lines.
        try (PierProcess first = PierProcess.up(data, "team-a").tokenAuthFile(tokens).env("PIER_LOG_LEVEL", "debug").start()) {
            firstRunExit = first.stop();
            firstRunLog = first.logText();
        }
        pier = PierProcess.up(data, "team-b").tokenAuthFile(tokens).env("PIER_LOG_LEVEL", "debug").start();
        admin = new Kubectl(pier.kubeconfig(), work.resolve("kubectl-admin"));
        teamB = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-team-b"));
        // team-a's admin kubeconfig is from the first run: same credentials, this run's port
        Path teamAConfig = KubeconfigFile.read(data.resolve("clusters/team-a/kubeconfig"))
                .writeWithServer(work.resolve("team-a.kubeconfig"), pier.url() + "/clusters/team-a");
        teamA = new Kubectl(teamAConfig, work.resolve("kubectl-team-a"));
        anonymous = HttpClient.newBuilder().sslContext(KubeconfigFile.read(pier.kubeconfig()).trustingCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
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

    /** Scrapes until {@code name} has a sample with {@code labels}: a request is counted just after its response is sent. */
    private static Samples scrapeUntil(Kubectl kubectl, String path, String name, Map<String, String> labels) {
        Samples[] last = {null};
        Await.until(METRICS_TIMEOUT, () -> "a sample " + name + labels + " at " + path + "; last scrape: " + last[0],
                () -> {
                    last[0] = Samples.parse(kubectl.ok("get", "--raw", path));
                    return !last[0].find(name, labels).isEmpty();
                });
        return last[0];
    }

    @Test
    void aRequestIsCountedWithKubernetesLabelsAndItsCell() {
        assertThat(teamB.ok("create", "configmap", "counted", "-n", "default", "--from-literal=k=v")).contains("configmap/counted created");
        assertThat(teamB.ok("get", "configmaps", "-n", "default", "-o", "name")).contains("configmap/counted");

        Map<String, String> create = Map.of("cell", "team-b", "verb", "POST", "dry_run", "", "group", "", "version", "v1",
                "resource", "configmaps", "subresource", "", "scope", "resource", "component", "apiserver", "code", "201");
        Samples m = scrapeUntil(teamB, "/clusters/team-b/metrics", "apiserver_request_total", create);
        assertThat(m.value("apiserver_request_total", create)).isGreaterThanOrEqualTo(1.0);
        assertThat(m.find("apiserver_request_total", Map.of("verb", "LIST", "resource", "configmaps", "scope", "namespace", "code", "200")))
                .isNotEmpty();
        Map<String, String> latency = Map.of("verb", "POST", "resource", "configmaps", "scope", "resource");
        assertThat(m.value("apiserver_request_duration_seconds_count", latency)).isGreaterThanOrEqualTo(1.0);
        assertThat(m.value("apiserver_request_duration_seconds_bucket", Map.of("verb", "POST", "resource", "configmaps", "le", "60.0")))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(m.find("etcd_request_duration_seconds_count", Map.of("operation", "create", "type", "configmaps"))).isNotEmpty();
    }

    @Test
    void aTenantSeesNoneOfAnotherCellsSeries() {
        assertThat(teamA.ok("get", "namespaces", "-o", "name")).contains("namespace/default");
        assertThat(teamB.ok("get", "namespaces", "-o", "name")).contains("namespace/default");
        assertThat(admin.ok("get", "namespaces", "-o", "name")).contains("namespace/default");

        Samples a = scrapeUntil(teamA, "/clusters/team-a/metrics", "apiserver_request_total", Map.of("resource", "namespaces"));
        Samples b = scrapeUntil(teamB, "/clusters/team-b/metrics", "apiserver_request_total", Map.of("resource", "namespaces"));
        assertThat(a.all()).allSatisfy(s -> assertThat(s.labels()).as(s.toString()).containsEntry("cell", "team-a"));
        assertThat(b.all()).allSatisfy(s -> assertThat(s.labels()).as(s.toString()).containsEntry("cell", "team-b"));
        for (Samples tenant : List.of(a, b)) {
            assertThat(tenant.families()).noneMatch(f -> f.startsWith("jvm_") || f.startsWith("process_"));
        }
        // a tenant's credentials are worthless at another tenant's endpoint
        assertThat(teamA.fails("get", "--raw", "/clusters/team-b/metrics")).contains("Unauthorized");

        Samples all = scrapeUntil(admin, "/metrics", "apiserver_request_total", Map.of("cell", "team-a"));
        assertThat(all.find("apiserver_request_total", Map.of("cell", "team-b"))).isNotEmpty();
        assertThat(all.find("apiserver_request_total", Map.of("cell", "_management"))).isNotEmpty();
        assertThat(all.families()).contains("process_cpu_seconds_total", "jvm_memory_used_bytes");
    }

    @Test
    void theSchedulerAndTheWorkQueuesReportTheirSeries() {
        assertThat(teamB.ok("run", "unplaced", "-n", "default", "--image=nginx", "--restart=Never")).contains("pod/unplaced created");

        // team-b has no nodes: the scheduler tries, and says so in team-b's own series
        Samples b = scrapeUntil(teamB, "/clusters/team-b/metrics", "scheduler_schedule_attempts_total", Map.of("cell", "team-b"));
        assertThat(b.find("scheduler_scheduling_attempt_duration_seconds_count", Map.of("cell", "team-b"))).isNotEmpty();
        // the controller manager's queues serve every cell: their series are the admins' only
        Samples all = scrapeUntil(admin, "/metrics", "workqueue_adds_total", Map.of("cell", ""));
        assertThat(all.find("workqueue_depth", Map.of("cell", ""))).isNotEmpty();
        assertThat(b.find("workqueue_adds_total", Map.of())).isEmpty();
    }

    @Test
    void metricsAreNeverAnonymousAndNeedAMonitoringGroup() throws Exception {
        for (String path : List.of("/metrics", "/clusters/team-a/metrics", "/clusters/team-b/metrics")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as("GET %s without credentials: %s", path, r.body()).isEqualTo(401);
            assertThat(json(r.body()).path("reason").asText()).isEqualTo("Unauthorized");
        }
        HttpResponse<String> plain = get("/metrics", PLAIN_TOKEN);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(403);
        assertThat(json(plain.body()).path("message").asText()).isEqualTo("forbidden: User \"plain-user\" cannot get path \"/metrics\"");

        HttpResponse<String> monitoring = get("/metrics", MONITORING_TOKEN);
        assertThat(monitoring.statusCode()).isEqualTo(200);
        assertThat(monitoring.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(Samples.parse(monitoring.body()).families()).contains("apiserver_request_total");
    }

    @Test
    void theServerLogsStartUpCellsAndShutdown() {
        // one line per event: ISO time in UTC, level, thread, logger, message
        Pattern serving = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[main] dev\\.pier\\.cli\\.ControlPlane - "
                + "Serving the Kubernetes API on 127\\.0\\.0\\.1:" + pier.port() + " \\(HTTPS\\)", Pattern.MULTILINE);
        assertThat(pier.logText()).containsPattern(serving)
                .contains("Starting Pier: data directory " + pier.dataDir() + ", storage SQLite " + pier.dataDir().resolve("state.db"))
                .contains("Created cell team-b: a new certificate authority")
                .contains("Cell team-b open in ")
                .contains("Watch cache /registry/team-b/core/namespaces/ started: 4 objects");
        // team-a exists in storage and is opened on its first request
        assertThat(teamA.ok("get", "namespace", "default", "-o", "name")).isEqualTo("namespace/default\n");
        Await.until(METRICS_TIMEOUT, "team-a to be opened in the log", () -> pier.logText().contains("Cell team-a open in "));
        assertThat(pier.logText()).doesNotContain("Created cell team-a");

        assertThat(firstRunExit).isZero();
        assertThat(firstRunLog).contains("Created cell team-a: a new certificate authority")
                .contains("Shutting down: the JVM was asked to stop")
                .containsPattern("Stopped in \\d+ ms")
                .contains("Pier stopped.");
    }

    @Test
    void refusedCredentialsAreLoggedAtDebugButNoSecretIsLogged() {
        String secret = "e2e-secret-value-" + UUID.randomUUID();
        assertThat(teamB.ok("create", "secret", "generic", "logged", "-n", "default", "--from-literal=password=" + secret))
                .contains("secret/logged created");
        assertThat(teamB.ok("get", "secret", "logged", "-n", "default", "-o", "jsonpath={.data.password}"))
                .isEqualTo(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        Path badConfig = KubeconfigFile.read(pier.kubeconfig()).writeWithToken(work.resolve("bad-token.kubeconfig"), pier.url(), BAD_TOKEN);
        assertThat(new Kubectl(badConfig, work.resolve("kubectl-bad")).fails("get", "namespaces")).contains("You must be logged in");

        Await.until(METRICS_TIMEOUT, "the refused token in the debug log",
                () -> pier.logText().contains("on cell _management: bearer token not recognized"));
        String log = pier.logText() + firstRunLog;
        assertThat(log).doesNotContain(BAD_TOKEN, PLAIN_TOKEN, MONITORING_TOKEN, secret,
                Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)), "PRIVATE KEY");
    }
}
