package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cloud.loadbalancer.HaproxyRuntimeApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Services of type LoadBalancer on {@code pier up --load-balancer haproxy}, driven by real kubectl, served by
 * real HAProxy. Nodes are registered with kubectl at loopback addresses (127.0.0.31-33), where the test
 * listens on each Service's NodePort in their place, so traffic through a VIP really reaches them. What
 * HAProxy serves is read from its configuration file and its stats socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final List<String> NODES = List.of("127.0.0.31", "127.0.0.32");
    private static final String DEMO_NODE = "127.0.0.33";
    private static final Pattern VIP = Pattern.compile("127\\.77\\.\\d+\\.\\d+");

    private Path work;
    private PierProcess pier;
    private Kubectl kubectl;
    private Kubectl demo;
    private Path haproxyConfig;
    private HaproxyRuntimeApi haproxy;
    private final AtomicInteger namespaces = new AtomicInteger();
    private final List<ServerSocket> nodePortServers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pier-e2e-lb-");
        // nodes registered by hand send no heartbeats: a long grace period keeps them Ready
        pier = PierProcess.up(work.resolve("data"), "demo").args("--load-balancer", "haproxy", "--node-monitor-grace-period", "1h").start();
        kubectl = new Kubectl(pier.kubeconfig(), work.resolve("kubectl"));
        demo = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-demo"));
        for (int i = 0; i < NODES.size(); i++) registerNode(kubectl, "node-" + i, NODES.get(i));
        registerNode(demo, "demo-node", DEMO_NODE);
        int index = Integer.parseInt(Files.readString(work.resolve("data/loadbalancers/index")).strip());
        Path runtimeDir = Path.of("/run/pier/lb-" + index);
        haproxyConfig = runtimeDir.resolve("haproxy.cfg");
        haproxy = new HaproxyRuntimeApi(runtimeDir.resolve("admin.sock"));
    }

    @AfterAll
    void stop() throws Exception {
        nodePortServers.forEach(LoadBalancerTest::closeQuietly);
        try {
            if (pier != null) assertThat(pier.stop()).as("exit code of pier on SIGTERM").isZero();
        } finally {
            if (pier != null) pier.close();
            List<Long> left = haproxyProcesses();
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            TempDirs.delete(work);
            assertThat(left).as("HAProxy processes left after pier stopped").isEmpty();
            if (haproxyConfig != null) assertThat(haproxyConfig.getParent()).as("HAProxy's runtime directory").doesNotExist();
        }
    }

    @Test
    void exposeGivesAnExternalIpThatCarriesTrafficToEveryNode() throws IOException {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "web", "--image=nginx", "-n", ns);
        assertThat(kubectl.ok("expose", "deployment", "web", "--type=LoadBalancer", "--port=80", "--target-port=80", "-n", ns))
                .contains("service/web exposed");

        String ip = awaitExternalIp(kubectl, ns, "web");
        JsonNode svc = json(kubectl, "get", "svc", "web", "-n", ns, "-o", "json");
        assertThat(svc.at("/metadata/finalizers").toString()).contains("service.kubernetes.io/load-balancer-cleanup");
        assertThat(svc.at("/status/loadBalancer/ingress/0/ip").asText()).isEqualTo(ip);
        int nodePort = svc.at("/spec/ports/0/nodePort").asInt();
        String frontend = "_management." + ns + ".web:80";
        assertThat(config()).contains("frontend " + frontend, "bind " + ip + ":80",
                "server 127.0.0.31 127.0.0.31:" + nodePort, "server 127.0.0.32 127.0.0.32:" + nodePort);
        assertThat(proxies()).contains(frontend);

        listenOnNodePort(nodePort, NODES);
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 6; i++) reached.add(fetch(ip, 80));
        assertThat(reached).containsExactlyInAnyOrderElementsOf(NODES);

        // a node labelled out of external load balancers leaves every backend
        kubectl.ok("label", "node", "node-1", "node.kubernetes.io/exclude-from-external-load-balancers=true");
        try {
            // the file changes just before HAProxy reloads: wait for what HAProxy serves
            Await.until(SETTLE, "node-1 to leave the backend", () -> !servers(frontend).contains("127.0.0.32"));
            assertThat(config()).doesNotContain("server 127.0.0.32 127.0.0.32:" + nodePort);
            for (int i = 0; i < 4; i++) assertThat(fetch(ip, 80)).isEqualTo("127.0.0.31");
        } finally {
            kubectl.ok("label", "node", "node-1", "node.kubernetes.io/exclude-from-external-load-balancers-");
        }
        Await.until(SETTLE, "node-1 to come back", () -> servers(frontend).contains("127.0.0.32"));
    }

    @Test
    void annotationsTuneTheLoadBalancerAndBadValuesWarnAndChangeNothing() {
        String ns = newNamespace();
        kubectl.ok("create", "service", "loadbalancer", "tuned", "--tcp=8080:80", "-n", ns);
        awaitExternalIp(kubectl, ns, "tuned");
        kubectl.ok("annotate", "svc", "tuned", "-n", ns, "loadbalancer.pier.dev/lb-method=LEAST_CONNECTIONS",
                "loadbalancer.pier.dev/session-persistence=SOURCE_IP", "loadbalancer.pier.dev/healthmonitor-delay=7",
                "loadbalancer.pier.dev/connection-limit=500", "loadbalancer.pier.dev/proxy-protocol=true");
        String backend = "backend _management." + ns + ".tuned:8080";
        Await.until(SETTLE, () -> "the annotations in HAProxy's configuration:\n" + config(), () -> {
            String section = section(config(), backend);
            return section.contains("balance leastconn") && section.contains("stick on src") && section.contains("inter 7000ms")
                    && section.contains("send-proxy") && section(config(), "frontend _management." + ns + ".tuned:8080").contains("maxconn 500");
        });

        kubectl.ok("annotate", "--overwrite", "svc", "tuned", "-n", ns, "loadbalancer.pier.dev/lb-method=FASTEST");
        JsonNode warning = awaitEvent(kubectl, ns, "tuned", "InvalidLoadBalancerAnnotation");
        assertThat(warning.path("type").asText()).isEqualTo("Warning");
        assertThat(warning.path("message").asText()).contains("loadbalancer.pier.dev/lb-method", "FASTEST",
                "LEAST_CONNECTIONS, ROUND_ROBIN, SOURCE_IP");
        assertThat(section(config(), backend)).contains("balance leastconn", "stick on src");
        assertThat(kubectl.ok("get", "events", "-n", ns)).contains("InvalidLoadBalancerAnnotation");
    }

    @Test
    void udpPortsAreRefusedWithAnEvent() {
        String ns = newNamespace();
        kubectl.runWithInput("""
                apiVersion: v1
                kind: Service
                metadata: {name: dns}
                spec:
                  type: LoadBalancer
                  selector: {app: dns}
                  ports: [{name: dns, port: 53, protocol: UDP}]
                """, "apply", "-n", ns, "-f", "-").assertOk();
        JsonNode warning = awaitEvent(kubectl, ns, "dns", "UnsupportedProtocol");
        assertThat(warning.path("message").asText()).contains("TCP only", "53/UDP");
        assertThat(config()).doesNotContain(ns + ".dns");
        assertThat(kubectl.ok("get", "svc", "dns", "-n", ns)).contains("<pending>");
    }

    @Test
    void loadBalancerIpIsHonouredAndSourceRangesEnforced() throws IOException {
        String ns = newNamespace();
        String wanted = "127.77." + (Integer.parseInt(Files.readString(work.resolve("data/loadbalancers/index")).strip())) + ".200";
        kubectl.runWithInput("""
                apiVersion: v1
                kind: Service
                metadata: {name: fixed}
                spec:
                  type: LoadBalancer
                  loadBalancerIP: %s
                  loadBalancerSourceRanges: [127.0.0.5/32]
                  selector: {app: fixed}
                  ports: [{port: 81, nodePort: 31981}]
                """.formatted(wanted), "apply", "-n", ns, "-f", "-").assertOk();
        assertThat(awaitExternalIp(kubectl, ns, "fixed")).isEqualTo(wanted);
        assertThat(section(config(), "frontend _management." + ns + ".fixed:81")).contains("src 127.0.0.5/32");

        listenOnNodePort(31981, NODES);
        assertThat(fetchFrom("127.0.0.5", wanted, 81)).isIn(NODES);
        assertThat(fetchFrom("127.0.0.6", wanted, 81)).as("a client outside the source ranges").isEmpty();
    }

    @Test
    void typeChangeAndDeletionRemoveTheFrontendAndTheFinalizer() {
        String ns = newNamespace();
        kubectl.ok("create", "service", "loadbalancer", "brief", "--tcp=80:80", "-n", ns);
        String ip = awaitExternalIp(kubectl, ns, "brief");
        String frontend = "_management." + ns + ".brief:80";
        assertThat(proxies()).contains(frontend);

        kubectl.ok("patch", "svc", "brief", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}");
        Await.until(SETTLE, "the frontend to go with the type", () -> !config().contains(frontend) && !proxies().contains(frontend));
        Await.until(SETTLE, "the finalizer and the address to go", () -> {
            JsonNode svc = json(kubectl, "get", "svc", "brief", "-n", ns, "-o", "json");
            return svc.at("/metadata/finalizers").isEmpty() && svc.at("/status/loadBalancer/ingress").isEmpty();
        });

        kubectl.ok("patch", "svc", "brief", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"type\":\"LoadBalancer\"}}");
        assertThat(awaitExternalIp(kubectl, ns, "brief")).isEqualTo(ip); // the freed address is the first free one again
        assertThat(proxies()).contains(frontend);

        kubectl.run(null, Duration.ofSeconds(60), "delete", "svc", "brief", "-n", ns, "--timeout=50s").assertOk();
        assertThat(kubectl.run("get", "svc", "brief", "-n", ns).stderr()).contains("NotFound");
        assertThat(config()).doesNotContain(frontend);
        assertThat(proxies()).doesNotContain(frontend);
    }

    @Test
    void twoClustersNeverShareAFrontend() {
        String ns = "shared-" + namespaces.incrementAndGet();
        kubectl.ok("create", "namespace", ns);
        demo.ok("create", "namespace", ns);
        kubectl.ok("create", "service", "loadbalancer", "same", "--tcp=80:80", "-n", ns);
        demo.ok("create", "service", "loadbalancer", "same", "--tcp=80:80", "-n", ns);
        String managementIp = awaitExternalIp(kubectl, ns, "same");
        String demoIp = awaitExternalIp(demo, ns, "same");

        assertThat(demoIp).isNotEqualTo(managementIp);
        String demoBackend = section(config(), "backend demo." + ns + ".same:80");
        assertThat(demoBackend).contains("server " + DEMO_NODE + " ").doesNotContain("127.0.0.31");
        assertThat(section(config(), "backend _management." + ns + ".same:80")).contains("127.0.0.31").doesNotContain(DEMO_NODE);

        demo.run(null, Duration.ofSeconds(60), "delete", "namespace", ns, "--timeout=50s").assertOk();
        Await.until(SETTLE, "demo's frontend to go with its namespace", () -> !config().contains("demo." + ns + ".same"));
        assertThat(proxies()).contains("_management." + ns + ".same:80");
    }

    // ---- helpers ----

    private String newNamespace() {
        String ns = "lb-" + namespaces.incrementAndGet();
        kubectl.ok("create", "namespace", ns);
        return ns;
    }

    private static void registerNode(Kubectl k, String name, String address) {
        k.runWithInput("apiVersion: v1\nkind: Node\nmetadata: {name: " + name + "}\n", "apply", "-f", "-").assertOk();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        k.ok("patch", "node", name, "--subresource=status", "--type=merge", "-p", """
                {"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"registered by the test",
                "lastHeartbeatTime":"%s","lastTransitionTime":"%s"}],"addresses":[{"type":"InternalIP","address":"%s"}]}}
                """.formatted(now, now, address));
    }

    /** The VIP in EXTERNAL-IP of {@code kubectl get svc}, once there. */
    private static String awaitExternalIp(Kubectl k, String ns, String name) {
        String[] ip = new String[1];
        Await.until(SETTLE, () -> "an EXTERNAL-IP for " + ns + "/" + name + ": " + k.run("get", "svc", name, "-n", ns).stdout(), () -> {
            String table = k.ok("get", "svc", name, "-n", ns);
            String[] lines = table.split("\n");
            if (lines.length < 2 || !lines[0].contains("EXTERNAL-IP")) return false;
            String column = lines[1].substring(lines[0].indexOf("EXTERNAL-IP")).split("\\s+")[0];
            Matcher m = VIP.matcher(column);
            if (!m.matches()) return false;
            ip[0] = column;
            return true;
        });
        return ip[0];
    }

    private static JsonNode awaitEvent(Kubectl k, String ns, String object, String reason) {
        JsonNode[] found = new JsonNode[1];
        Await.until(SETTLE, () -> "a " + reason + " event for " + object, () -> {
            for (JsonNode e : json(k, "get", "events", "-n", ns, "-o", "json").path("items")) {
                if (e.at("/involvedObject/name").asText().equals(object) && e.path("reason").asText().equals(reason)) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static JsonNode json(Kubectl k, String... args) {
        try {
            return JSON.readTree(k.ok(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String config() {
        try {
            return Files.readString(haproxyConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One {@code frontend}/{@code backend} section of the configuration, up to the next blank line. */
    private static String section(String config, String header) {
        int start = config.indexOf("\n" + header + "\n");
        if (start < 0) return "";
        int end = config.indexOf("\n\n", start);
        return end < 0 ? config.substring(start) : config.substring(start, end);
    }

    /** The proxies HAProxy serves, from {@code show stat}. */
    private Set<String> proxies() {
        Set<String> names = new HashSet<>();
        for (Map<String, String> row : haproxy.stat()) names.add(row.get("pxname"));
        return names;
    }

    /** The servers of one backend HAProxy serves, from {@code show stat}. */
    private Set<String> servers(String backend) {
        Set<String> names = new HashSet<>();
        for (Map<String, String> row : haproxy.stat()) {
            String server = row.get("svname");
            if (row.get("pxname").equals(backend) && !server.equals("FRONTEND") && !server.equals("BACKEND")) names.add(server);
        }
        return names;
    }

    private void listenOnNodePort(int port, List<String> addresses) throws IOException {
        for (String address : addresses) {
            var server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            nodePortServers.add(server);
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket c = server.accept()) {
                        c.getOutputStream().write(address.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closedOrCheck) {
                        // closed at the end of the test, or an HAProxy health check that hung up
                    }
                }
            });
        }
    }

    private static String fetch(String host, int port) throws IOException {
        return fetchFrom(null, host, port);
    }

    /** What the server sent before it closed; "" when the connection was refused or reset. */
    private static String fetchFrom(String source, String host, int port) throws IOException {
        try (var socket = new Socket()) {
            if (source != null) socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketException reset) {
            if (source == null) throw reset;
            return "";
        }
    }

    private List<Long> haproxyProcesses() {
        if (haproxyConfig == null) return List.of();
        try (var all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.info().commandLine().map(c -> c.contains("haproxy") && c.contains(haproxyConfig.toString())).orElse(false))
                    .map(ProcessHandle::pid).toList();
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
