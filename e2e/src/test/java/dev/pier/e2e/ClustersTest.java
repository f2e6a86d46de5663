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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Clusters as objects with real machines: on a {@code pier up --nodes 1}, a second cluster created through the
 * NKS-shaped REST API gets its own node, its kubeconfig from {@code /v1/clusters/second/config}, and its own DNS
 * (a Service of one cluster does not resolve in the other); deleting it leaves no machine, network namespace or
 * control plane behind.
 *
 * <p>Needs root and the node stack. Traffic goes only to loopback and into the namespaces Pier made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClustersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofMinutes(3);

    private Path work;
    private PierProcess pier;
    private Kubectl management;
    private Kubectl demo;
    private Kubectl second;
    private Path cert;
    private Path key;
    private Path ca;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "clusters-");
        pier = PierProcess.up(work.resolve("data"), "demo").args("--nodes", "1").start();
        management = new Kubectl(pier.kubeconfig(), work.resolve("kubectl-management"));
        demo = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-demo"));
        KubeconfigFile admin = KubeconfigFile.read(pier.kubeconfig());
        cert = Files.writeString(work.resolve("admin.crt"), admin.clientCertPem());
        key = Files.writeString(work.resolve("admin.key"), admin.clientKeyPem());
        ca = Files.writeString(work.resolve("ca.crt"), admin.caPem());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (pier != null && pier.isAlive()) pier.stop();
        } finally {
            TempDirs.delete(work);
        }
    }

    @Test
    @Order(1)
    void aClusterCreatedThroughTheRestApiGetsItsOwnNode() throws Exception {
        JsonNode created = JSON.readTree(curl("POST", "/v1/clusters", "{\"name\": \"second\", \"node_count\": 1, \"flavor\": \"m1.small\"}"));
        assertThat(created.path("name").asText()).isEqualTo("second");
        assertThat(created.path("uuid").asText()).hasSize(36);
        Await.until(READY, () -> "second complete: " + management.ok("get", "clusters"),
                () -> management.json("get", "cluster", "second").at("/status/phase").asText().equals("CREATE_COMPLETE"));
        assertThat(management.ok("get", "clusters")).contains("second").contains("1/1");
        JsonNode viaRest = JSON.readTree(curl("GET", "/v1/clusters/second", null));
        assertThat(viaRest.path("status").asText()).isEqualTo("CREATE_COMPLETE");
        assertThat(viaRest.path("api_address").asText()).endsWith("/clusters/second");

        Path kubeconfig = Files.writeString(work.resolve("second.kubeconfig"), curl("GET", "/v1/clusters/second/config", null));
        second = new Kubectl(kubeconfig, work.resolve("kubectl-second"));
        List<JsonNode> nodes = second.items("nodes");
        assertThat(nodes).singleElement().satisfies(node -> {
            assertThat(node.at("/metadata/name").asText()).isEqualTo("second-node-1");
            assertThat(node.at("/metadata/labels/pier.dev~1nodegroup").asText()).isEqualTo("second.default-worker");
            assertThat(node.at("/metadata/labels/node.kubernetes.io~1instance-type").asText()).isEqualTo("m1.small");
        });
        assertThat(demo.items("nodes")).extracting(n -> n.at("/metadata/name").asText()).containsExactly("demo-node-1");
    }

    @Test
    @Order(2)
    void eachClusterResolvesItsOwnServicesOnly() {
        second.ok("create", "service", "clusterip", "only-in-second", "--tcp=80:80");
        String clusterIp = second.json("get", "service", "only-in-second").at("/spec/clusterIP").asText();
        String name = "only-in-second.default.svc.cluster.local";
        assertThat(lookup(second, "resolver", name)).as("in its own cluster").contains(clusterIp);
        assertThat(lookup(demo, "resolver", name)).as("from the other cluster").contains("NXDOMAIN").doesNotContain(clusterIp);
    }

    @Test
    @Order(3)
    void deletingTheClusterLeavesNothingOfIt() throws Exception {
        // what the cluster holds outside its control plane: a load balancer frontend. (A volume is left out: its
        // detach after the machine is deleted races and can leave the cluster in DELETE_IN_PROGRESS; see the README.)
        second.ok("create", "service", "loadbalancer", "front", "--tcp=80:80");
        Await.until(READY, "the frontend open", () ->
                !second.json("get", "service", "front").at("/status/loadBalancer/ingress/0/ip").asText().isEmpty());
        String vip = second.json("get", "service", "front").at("/status/loadBalancer/ingress/0/ip").asText();
        Path haproxyConfig = Path.of("/run/pier/lb-" + Files.readString(pier.dataDir().resolve("loadbalancers/index")).strip(), "haproxy.cfg");
        assertThat(Files.readString(haproxyConfig)).contains(vip);

        curl("DELETE", "/v1/clusters/second", null);
        Await.until(READY, () -> "second gone: " + management.ok("get", "clusters,machines"),
                () -> management.items("clusters").stream().noneMatch(c -> c.at("/metadata/name").asText().equals("second")));
        assertThat(management.items("machines")).extracting(m -> m.at("/metadata/name").asText()).containsExactly("demo-node-1");
        assertThat(Files.exists(pier.dataDir().resolve("machines").resolve("second-node-1"))).as("the machine's directory").isFalse();
        String index = Files.readString(pier.dataDir().resolve("machines").resolve("network")).strip();
        assertThat(Files.exists(Path.of("/run/netns/pier" + index + "-second-node-1"))).as("the machine's network namespace").isFalse();
        assertThat(second.run("get", "namespaces").exitCode()).as("its control plane is gone").isNotZero();
        assertThat(demo.items("nodes")).as("the other cluster keeps its node").hasSize(1);
        assertThat(Files.readString(haproxyConfig)).as("its load balancer frontend").doesNotContain(vip);
    }

    /** An nslookup from a busybox pod of the cluster; its output, answered or not. */
    private String lookup(Kubectl cluster, String pod, String name) {
        cluster.run("delete", "pod", pod, "--ignore-not-found", "--grace-period=0", "--force");
        cluster.ok("run", pod, "--image=busybox", "--restart=Never", "--", "nslookup", name);
        Await.until(READY, "pod " + pod + " done", () -> {
            String phase = cluster.json("get", "pod", pod).at("/status/phase").asText();
            return phase.equals("Succeeded") || phase.equals("Failed");
        });
        return cluster.ok("logs", pod);
    }

    /** A request to Pier's REST API with the management cluster's admin certificate, through real curl. */
    private String curl(String method, String path, String body) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--cacert", ca.toString(),
                "--cert", cert.toString(), "--key", key.toString(), "-X", method, pier.url() + path));
        if (body != null) command.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("curl %s %s: %s", method, path, out).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
