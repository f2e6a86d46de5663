package dev.pier.agent.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.pier.agent.proxy.Fixtures.nodePort;
import static dev.pier.agent.proxy.Fixtures.service;
import static dev.pier.agent.proxy.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy's rules in a real kernel: a node namespace with a pod bridge holding two "pods" (namespaces with
 * busybox httpd) and a client namespace outside the pod range, as a LocalMachineProvider machine has. The
 * rules are applied by the proxy's own code through {@code nsenter --net}; traffic stays inside the
 * namespaces the test made. Needs root, iptables and busybox-static.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServiceProxyNamespaceTest {
    private static final String NODE_IP = "10.250.77.1";

    private Path dir;
    private Netns ns;
    private Proxier proxier;

    @BeforeAll
    void makeNode() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "proxy-www-");
        ns = new Netns("pxy" + (ProcessHandle.current().pid() % 10000) + "-");
        try {
            ns.add("node");
            ns.in("node", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            ns.in("node", "ip", "link", "add", "cbr0", "type", "bridge");
            ns.in("node", "ip", "addr", "add", "10.244.1.1/24", "dev", "cbr0");
            ns.in("node", "ip", "link", "set", "cbr0", "up");
            for (String pod : List.of("p1", "p2")) {
                String podNs = ns.add(pod);
                String ip = pod.equals("p1") ? "10.244.1.2" : "10.244.1.3";
                ns.in("node", "ip", "link", "add", "v" + pod, "type", "veth", "peer", "name", "eth0", "netns", podNs);
                ns.in("node", "ip", "link", "set", "v" + pod, "master", "cbr0", "up");
                // as the machines' CNI bridge (hairpinMode): with br_netfilter a pod's own DNATed packet leaves by its port
                ns.in("node", "ip", "link", "set", "v" + pod, "type", "bridge_slave", "hairpin", "on");
                ns.in(pod, "ip", "addr", "add", ip + "/24", "dev", "eth0");
                ns.in(pod, "ip", "link", "set", "eth0", "up");
                ns.in(pod, "ip", "route", "add", "default", "via", "10.244.1.1");
                Path www = Files.createDirectories(dir.resolve(pod));
                Files.writeString(www.resolve("index.html"), "backend-" + pod + "\n");
                ns.serve(pod, "busybox", "httpd", "-f", "-p", "8080", "-h", www.toString());
            }
            String client = ns.add("client");
            ns.in("node", "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", client);
            ns.in("node", "ip", "addr", "add", NODE_IP + "/24", "dev", "eth0");
            ns.in("node", "ip", "link", "set", "eth0", "up");
            ns.in("client", "ip", "addr", "add", "10.250.77.2/24", "dev", "eth0");
            ns.in("client", "ip", "link", "set", "eth0", "up");
            ns.in("client", "ip", "route", "add", "default", "via", NODE_IP);
            // NODE-STACK.md: the node's own traffic to Service IPs needs a route before DNAT can happen
            ns.in("node", "ip", "route", "add", "10.96.0.0/12", "via", "10.250.77.2");
        } catch (IOException | RuntimeException | Error e) {
            ns.close();
            throw e;
        }
        ProxyConfig config = new ProxyConfig("node-a", NODE_IP, "10.96.0.0/12", List.of("10.244.0.0/16"),
                Duration.ofMillis(100), Duration.ofSeconds(30), Netns.enter(ns.name("node")));
        proxier = new Proxier(config, new ProxyMetrics(new PrometheusRegistry()));
    }

    @AfterAll
    void removeNode() {
        ns.close();
        assertThat(ns.left()).as("namespaces left").isEmpty();
    }

    /** An HTTP GET with busybox nc from a namespace: the body, or the error. */
    private Netns.Run get(String from, String ip, int port) {
        return ns.tryIn(from, "GET / HTTP/1.0\r\n\r\n", "busybox", "nc", "-w", "3", ip, Integer.toString(port));
    }

    private String saved(String table) {
        return ns.in("node", "iptables-save", "-t", table).out();
    }

    @Test
    void servicesReachTheirEndpointsAndEmptyOnesAreRefused() {
        Service web = nodePort("web", "10.96.0.10", 80, 8080, 30080);
        Service empty = nodePort("empty", "10.96.0.20", 80, 8080, 30081);
        Service solo = service("solo", "10.96.0.30", 80, 8080).build();
        List<EndpointSlice> slices = List.of(slice("web", 8080, "10.244.1.2", "10.244.1.3"), slice("empty", 8080),
                slice("solo", 8080, "10.244.1.2"));
        proxier.sync(List.of(web, empty, solo), slices, true);

        // the cluster IP from the node spreads over both pods
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30 && seen.size() < 2; i++) {
            Netns.Run r = get("node", "10.96.0.10", 80);
            assertThat(r.out()).as("%s", r).contains("backend-");
            seen.add(r.out().contains("backend-p1") ? "p1" : "p2");
        }
        assertThat(seen).containsExactlyInAnyOrder("p1", "p2");

        // the node port from a client outside the pod range (masqueraded), and from the node itself
        assertThat(get("client", NODE_IP, 30080).out()).contains("backend-");
        assertThat(get("node", NODE_IP, 30080).out()).contains("backend-");

        // hairpin: a pod reaching itself through its Service
        assertThat(get("p1", "10.96.0.30", 80).out()).contains("backend-p1");

        // no endpoints: refused at once, on the cluster IP and on the node port
        Netns.Run refused = get("node", "10.96.0.20", 80);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("Connection refused");
        assertThat(refused.millis()).isLessThan(1500);
        Netns.Run refusedNodePort = get("client", NODE_IP, 30081);
        assertThat(refusedNodePort.err()).contains("Connection refused");
        assertThat(refusedNodePort.millis()).isLessThan(1500);

        // the Service removed: its chains go, the others stay
        String webSvc = ChainNames.service("default/web:http", "tcp");
        String webSep = ChainNames.endpoint("default/web:http", "tcp", "10.244.1.3:8080");
        assertThat(saved("nat")).contains(":" + webSvc, ":" + webSep);
        proxier.sync(List.of(empty, solo), slices, false);
        assertThat(saved("nat")).doesNotContain(webSvc, webSep).contains(ChainNames.service("default/solo:http", "tcp"));
        assertThat(get("p1", "10.96.0.30", 80).out()).contains("backend-p1");

        // and everything the proxy made goes on close, nothing else of the tables
        proxier.removeAll();
        assertThat(saved("nat")).doesNotContain("KUBE-");
        assertThat(saved("filter")).doesNotContain("KUBE-");
    }
}
