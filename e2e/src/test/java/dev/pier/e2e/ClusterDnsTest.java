package dev.pier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cluster DNS on real nodes: {@code pier up --nodes 2} serves the {@code kube-dns} Service (10.96.0.10), and
 * busybox pods resolve Service names with it through the search path the agent writes into their
 * resolv.conf: a ClusterIP Service's IP, a headless Service's pod IPs, NXDOMAIN for a Service that does not
 * exist, and {@code wget http://web/} by its short name; and again after Pier restarts (its DNS server back
 * on the same port, so that the nodes' rules stay right). Needs root and the node stack; no name outside the
 * cluster is resolved (traffic stays inside the namespaces Pier made).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDnsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    private Path work;
    private PierProcess pier;
    private Kubectl kubectl;
    /** This installation's machines' prefix, {@code pier<index>-}: other installations may run beside this test. */
    private String machinePrefix;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "dns-");
        pier = PierProcess.up(work.resolve("data"), "demo").args("--nodes", "2").start();
        kubectl = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (pier != null && pier.isAlive()) assertThat(pier.stop()).isZero();
            if (pier != null) assertNothingLeft();
        } finally {
            TempDirs.delete(work);
        }
    }

    @Test
    @Order(1)
    void podsResolveServicesThroughKubeDns() {
        // the DNS server listens on the machines' gateway, 10.250.<index>.1
        String gateway = json("get", "endpointslice", "kube-dns-pier", "-n", "kube-system", "-o", "json").at("/endpoints/0/addresses/0").asText();
        assertThat(gateway).matches("10\\.250\\.\\d+\\.1");
        machinePrefix = "pier" + gateway.split("\\.")[2] + "-";
        JsonNode kubeDns = json("get", "svc", "kube-dns", "-n", "kube-system", "-o", "json");
        assertThat(kubeDns.at("/spec/clusterIP").asText()).isEqualTo("10.96.0.10");
        assertThat(kubeDns.at("/spec/ports").findValuesAsText("protocol")).containsExactlyInAnyOrder("UDP", "TCP");

        kubectl.ok("create", "deployment", "web", "--image=nginx", "--replicas=2");
        kubectl.ok("expose", "deployment", "web", "--port=80");
        apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web-headless}
                spec:
                  clusterIP: None
                  selector: {app: web}
                  ports: [{name: http, port: 80}]
                """);
        kubectl.ok("rollout", "status", "deployment/web", "--timeout=90s");
        Await.until(WAIT, "ready endpoints of web and web-headless", () -> Stream.of("web", "web-headless").allMatch(svc ->
                json("get", "endpointslices", "-l", "kubernetes.io/service-name=" + svc, "-o", "json").at("/items/0/endpoints").size() == 2));
        String clusterIp = json("get", "svc", "web", "-o", "json").at("/spec/clusterIP").asText();
        List<String> podIps = new ArrayList<>();
        json("get", "pods", "-l", "app=web", "-o", "json").path("items").forEach(p -> podIps.add(p.at("/status/podIP").asText()));

        String out = resolve("resolver");
        String[] parts = out.split("-- nonexistent:|-- headless:|-- wget: ");
        assertThat(parts).as(out).hasSize(4);
        assertThat(parts[0]).as(out).contains("Address: " + clusterIp);
        assertThat(parts[1]).as(out).contains("NXDOMAIN").doesNotContain(clusterIp);
        for (String ip : podIps) assertThat(parts[2]).as(out).contains(ip);
        assertThat(parts[3]).as(out).startsWith("reached")
                .contains("nameserver 10.96.0.10")
                .contains("search default.svc.cluster.local svc.cluster.local cluster.local")
                .contains("ndots:5");
    }

    @Test
    @Order(2)
    void afterARestartTheServiceStillResolves() {
        String port = slicePort();
        assertThat(pier.stop()).isZero();
        assertNothingLeft();
        pier.start();
        kubectl = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-2"));
        // the same port again, so the nodes' rules are right from the first query
        assertThat(slicePort()).as("the DNS server's port").isEqualTo(port);
        kubectl.ok("rollout", "status", "deployment/web", "--timeout=90s");
        Await.until(WAIT, "web's EndpointSlice naming its pods' current addresses, ready", this::webEndpointsCurrent);
        String clusterIp = json("get", "svc", "web", "-o", "json").at("/spec/clusterIP").asText();
        String out = resolve("resolver-2");
        assertThat(out).contains("Address: " + clusterIp).contains("-- wget: reached");
    }

    private boolean webEndpointsCurrent() {
        List<String> podIps = new ArrayList<>();
        json("get", "pods", "-l", "app=web", "-o", "json").path("items").forEach(p -> podIps.add(p.at("/status/podIP").asText()));
        List<String> ready = new ArrayList<>();
        for (JsonNode e : json("get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json").at("/items/0/endpoints")) {
            if (e.at("/conditions/ready").asBoolean(true)) ready.add(e.at("/addresses/0").asText());
        }
        return podIps.size() == 2 && ready.size() == 2 && ready.containsAll(podIps);
    }

    private String slicePort() {
        return json("get", "endpointslice", "kube-dns-pier", "-n", "kube-system", "-o", "json").at("/ports/0/port").asText();
    }

    /** Runs a busybox pod that looks names up and fetches http://web/, and returns what it wrote to its termination log. */
    private String resolve(String name) {
        // busybox's nslookup reads the pod's resolv.conf; wget resolves "web" through its search path (a few tries:
        // after a restart the node's proxy programs the endpoints a moment after the EndpointSlice shows them)
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: resolver
                    image: busybox
                    command: [sh, -c, 'nslookup web.default.svc.cluster.local > /tmp/a 2>&1;
                      nslookup nonexistent.default.svc.cluster.local > /tmp/b 2>&1;
                      nslookup web-headless.default.svc.cluster.local > /tmp/c 2>&1;
                      w=failed; for i in 1 2 3 4 5; do if wget -q -O- http://web/ | grep -q "Welcome to nginx"; then w=reached; break; fi; sleep 2; done;
                      { cat /tmp/a; echo "-- nonexistent:"; cat /tmp/b; echo "-- headless:"; cat /tmp/c; echo "-- wget: $w"; cat /etc/resolv.conf; } > /dev/termination-log']
                """.formatted(name));
        JsonNode[] pod = {null};
        Await.until(WAIT, () -> "pod " + name + " to finish; last seen: " + pod[0], () -> {
            pod[0] = json("get", "pod", name, "-o", "json");
            return List.of("Succeeded", "Failed").contains(pod[0].at("/status/phase").asText());
        });
        return pod[0].at("/status/containerStatuses/0/state/terminated/message").asText();
    }

    private void assertNothingLeft() {
        String data = pier.dataDir().toString();
        List<String> leftovers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (line.contains(data)) leftovers.add("mount: " + line);
            }
            ProcessHandle.allProcesses().forEach(p -> {
                String cmd = p.info().commandLine().orElse("");
                if (cmd.contains(data)) leftovers.add("process " + p.pid() + ": " + cmd);
            });
            Path netns = Path.of("/run/netns");
            if (machinePrefix != null && Files.isDirectory(netns)) {
                try (Stream<Path> names = Files.list(netns)) {
                    names.map(n -> n.getFileName().toString()).filter(n -> n.startsWith(machinePrefix))
                            .forEach(n -> leftovers.add("network namespace " + n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(leftovers).as("what the stopped nodes left on the host").isEmpty();
    }

    private void apply(String manifest) {
        kubectl.runWithInput(manifest, "apply", "-f", "-").assertOk();
    }

    private JsonNode json(String... args) {
        try {
            return JSON.readTree(kubectl.ok(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
