package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.simulator.Clients;
import dev.pier.simulator.SimulatedNodes;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Controllers and scheduler driven by real kubectl against a real {@code pier server}, with simulated
 * nodes (a test tool that reports bound pods Running and Ready) standing in for kubelets: rollouts,
 * history, undo, pause and resume, scaling, self-healing, cascading deletion, and scheduling rules.
 * Runs on SQLite and on etcd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WorkloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /** A short node grace period, so a silent node is noticed within the test's patience. */
    protected static final String[] SERVER_ARGS = {"--node-monitor-grace-period", "6s"};

    protected abstract KubectlTest.Cluster startCluster(Path work) throws Exception;

    private Path work;
    private KubectlTest.Cluster cluster;
    private Kubectl kubectl;
    private KubernetesClient client;
    private SimulatedNodes nodes;
    private SimulatedNodes packingNodes;
    private SimulatedNodes frailNodes;
    private SimulatedNodes drainNodes;
    private final AtomicInteger namespaces = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        cluster = startCluster(work);
        kubectl = new Kubectl(cluster.kubeconfig(), work.resolve("kubectl"));
        client = Clients.fromKubeconfig(cluster.kubeconfig());
        nodes = SimulatedNodes.start(client, "sim", 2, SimulatedNodes.Shape.DEFAULT, Map.of("pool", "general"), Duration.ofSeconds(2));
        // nodes only the scheduling tests select, so other tests' pods do not change their fill
        packingNodes = SimulatedNodes.start(client, "pack", 2, new SimulatedNodes.Shape("4", "8Gi", 110),
                Map.of("pool", "packing"), Duration.ofSeconds(2));
        kubectl.ok("taint", "node", "pack-0", "pack-1", "dedicated=packing:NoSchedule");
        frailNodes = SimulatedNodes.start(client, "frail", 2, SimulatedNodes.Shape.DEFAULT, Map.of("pool", "frail"), Duration.ofSeconds(2));
        kubectl.ok("taint", "node", "frail-0", "frail-1", "dedicated=frail:NoSchedule");
        drainNodes = SimulatedNodes.start(client, "drain", 2, SimulatedNodes.Shape.DEFAULT, Map.of("pool", "drain"), Duration.ofSeconds(2));
        kubectl.ok("taint", "node", "drain-0", "drain-1", "dedicated=drain:NoSchedule");
    }

    @AfterAll
    void stop() throws Exception {
        if (nodes != null) nodes.close();
        if (packingNodes != null) packingNodes.close();
        if (frailNodes != null) frailNodes.close();
        if (drainNodes != null) drainNodes.close();
        if (client != null) client.close();
        if (cluster != null) cluster.resources().close();
        TempDirs.delete(work);
    }

    private String newNamespace() {
        String ns = "wl-" + namespaces.incrementAndGet();
        kubectl.ok("create", "namespace", ns);
        return ns;
    }

    private String rolloutStatus(String ns, String what) {
        return kubectl.run(null, Duration.ofSeconds(100), "rollout", "status", what, "-n", ns, "--timeout=90s").assertOk().stdout();
    }

    private JsonNode json(String... args) {
        try {
            return JSON.readTree(kubectl.ok(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<JsonNode> items(String ns, String resource, String... selector) {
        List<String> args = new ArrayList<>(List.of("get", resource, "-n", ns, "-o", "json"));
        args.addAll(List.of(selector));
        List<JsonNode> out = new ArrayList<>();
        json(args.toArray(String[]::new)).path("items").forEach(out::add);
        return out;
    }

    @Test
    void exposedDeploymentGetsEndpointSlicesAndEndpoints() {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "echo", "--image=nginx", "--replicas=3", "--port=80", "-n", ns);
        assertThat(rolloutStatus(ns, "deployment/echo")).contains("successfully rolled out");
        assertThat(kubectl.ok("expose", "deployment", "echo", "--port=8080", "--target-port=80", "-n", ns))
                .contains("service/echo exposed");
        Set<String> ips = new HashSet<>();
        items(ns, "pods", "-l", "app=echo").forEach(p -> ips.add(p.at("/status/podIP").asText()));
        assertThat(ips).hasSize(3);

        Await.until(SETTLE, "3 endpoints of echo", () -> items(ns, "endpointslices", "-l", "kubernetes.io/service-name=echo")
                .stream().mapToInt(s -> s.path("endpoints").size()).sum() == 3);
        JsonNode slice = items(ns, "endpointslices", "-l", "kubernetes.io/service-name=echo").getFirst();
        assertThat(slice.at("/metadata/labels/endpointslice.kubernetes.io~1managed-by").asText()).isEqualTo("endpointslice-controller.k8s.io");
        assertThat(slice.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("Service");
        assertThat(slice.at("/ports/0/port").asInt()).isEqualTo(80);
        assertThat(slice.path("endpoints")).allSatisfy(e -> {
            assertThat(ips).contains(e.at("/addresses/0").asText());
            assertThat(e.at("/conditions/ready").asBoolean()).isTrue();
            assertThat(e.at("/targetRef/kind").asText()).isEqualTo("Pod");
            assertThat(e.at("/nodeName").asText()).startsWith("sim-");
        });
        String slices = kubectl.ok("get", "endpointslices", "-n", ns);
        assertThat(slices).contains("ADDRESSTYPE", "IPv4").containsPattern("echo-\\w+\\s+IPv4\\s+80\\s+10\\.244\\.");

        Await.until(SETTLE, "Endpoints of echo", () -> kubectl.ok("get", "endpoints", "echo", "-n", ns).contains(":80,"));
        String endpoints = kubectl.ok("get", "endpoints", "echo", "-n", ns);
        for (String ip : ips) assertThat(endpoints.contains(ip + ":80") || endpoints.contains("more")).isTrue();

        kubectl.ok("scale", "deployment", "echo", "--replicas=1", "-n", ns);
        Await.until(SETTLE, "1 endpoint of echo", () -> json("get", "endpoints", "echo", "-n", ns, "-o", "json")
                .at("/subsets/0/addresses").size() == 1 && json("get", "endpoints", "echo", "-n", ns, "-o", "json").at("/subsets/0/notReadyAddresses").isMissingNode());

        kubectl.ok("delete", "service", "echo", "-n", ns);
        Await.until(SETTLE, "slices and endpoints of echo gone", () -> items(ns, "endpointslices").isEmpty()
                && kubectl.run(null, Duration.ofSeconds(30), "get", "endpoints", "echo", "-n", ns).exitCode() != 0);
    }

    @Test
    void deploymentRollsOutUpdatesAndRollsBack() {
        String ns = newNamespace();
        assertThat(kubectl.ok("create", "deployment", "web", "--image=nginx", "--replicas=3", "-n", ns))
                .contains("deployment.apps/web created");
        assertThat(rolloutStatus(ns, "deployment/web")).contains("successfully rolled out");

        List<JsonNode> pods = items(ns, "pods", "-l", "app=web");
        assertThat(pods).hasSize(3).allSatisfy(p -> {
            assertThat(p.at("/status/phase").asText()).isEqualTo("Running");
            assertThat(p.at("/spec/nodeName").asText()).startsWith("sim-");
            assertThat(p.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("ReplicaSet");
        });
        JsonNode deploy = json("get", "deployment", "web", "-n", ns, "-o", "json");
        assertThat(deploy.at("/status/availableReplicas").asInt()).isEqualTo(3);
        assertThat(deploy.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText()).isEqualTo("1");
        assertThat(conditionReason(deploy, "Progressing")).isEqualTo("NewReplicaSetAvailable");
        assertThat(conditionReason(deploy, "Available")).isEqualTo("MinimumReplicasAvailable");

        kubectl.ok("set", "image", "deployment/web", "nginx=nginx:1.27", "-n", ns);
        assertThat(rolloutStatus(ns, "deployment/web")).contains("successfully rolled out");
        assertThat(items(ns, "pods", "-l", "app=web")).hasSize(3)
                .allSatisfy(p -> assertThat(p.at("/spec/containers/0/image").asText()).isEqualTo("nginx:1.27"));
        String history = kubectl.ok("rollout", "history", "deployment/web", "-n", ns);
        assertThat(history).contains("REVISION").containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
        assertThat(kubectl.ok("rollout", "history", "deployment/web", "-n", ns, "--revision=1")).containsPattern("Image:\\s+nginx\\n");

        assertThat(kubectl.ok("rollout", "undo", "deployment/web", "-n", ns)).contains("rolled back");
        assertThat(rolloutStatus(ns, "deployment/web")).contains("successfully rolled out");
        assertThat(items(ns, "pods", "-l", "app=web")).hasSize(3)
                .allSatisfy(p -> assertThat(p.at("/spec/containers/0/image").asText()).isEqualTo("nginx"));
        // the first template came back as revision 3; two ReplicaSets, one of them scaled to zero
        String after = kubectl.ok("rollout", "history", "deployment/web", "-n", ns);
        assertThat(after).containsPattern("(?m)^2\\s").containsPattern("(?m)^3\\s").doesNotContainPattern("(?m)^1\\s");
        List<JsonNode> sets = items(ns, "replicasets");
        assertThat(sets).hasSize(2);
        assertThat(sets.stream().mapToInt(rs -> rs.at("/spec/replicas").asInt()).sorted().toArray()).containsExactly(0, 3);

        String events = kubectl.ok("describe", "deployment", "web", "-n", ns);
        assertThat(events).contains("ScalingReplicaSet").contains("Scaled up replica set web-");
    }

    @Test
    void pausedDeploymentWaitsThenResumes() {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "api", "--image=busybox", "--replicas=2", "-n", ns);
        rolloutStatus(ns, "deployment/api");
        kubectl.ok("rollout", "pause", "deployment/api", "-n", ns);
        kubectl.ok("set", "image", "deployment/api", "busybox=busybox:1.36", "-n", ns);
        // while paused no new ReplicaSet appears, and the Deployment says it is paused
        Await.until(SETTLE, "Progressing=DeploymentPaused", () ->
                "DeploymentPaused".equals(conditionReason(json("get", "deployment", "api", "-n", ns, "-o", "json"), "Progressing")));
        assertThat(items(ns, "replicasets")).hasSize(1);
        kubectl.ok("rollout", "resume", "deployment/api", "-n", ns);
        rolloutStatus(ns, "deployment/api");
        assertThat(items(ns, "pods", "-l", "app=api"))
                .allSatisfy(p -> assertThat(p.at("/spec/containers/0/image").asText()).isEqualTo("busybox:1.36"));
    }

    @Test
    void scalesAndRestartsAndRecreates() {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "app", "--image=nginx", "--replicas=2", "-n", ns);
        rolloutStatus(ns, "deployment/app");
        assertThat(kubectl.ok("scale", "deployment/app", "--replicas=5", "-n", ns)).contains("scaled");
        rolloutStatus(ns, "deployment/app");
        assertThat(items(ns, "pods", "-l", "app=app")).hasSize(5);
        kubectl.ok("scale", "deployment/app", "--replicas=1", "-n", ns);
        Await.until(SETTLE, "one pod left", () -> items(ns, "pods", "-l", "app=app").size() == 1);

        Set<String> before = names(items(ns, "pods", "-l", "app=app"));
        assertThat(kubectl.ok("rollout", "restart", "deployment/app", "-n", ns)).contains("restarted");
        rolloutStatus(ns, "deployment/app");
        Await.until(SETTLE, "restarted pods replace the old ones", () -> {
            Set<String> now = names(items(ns, "pods", "-l", "app=app"));
            return now.size() == 1 && !now.equals(before);
        });

        kubectl.ok("patch", "deployment/app", "-n", ns, "--type=merge", "-p",
                "{\"spec\":{\"replicas\":3,\"strategy\":{\"type\":\"Recreate\",\"rollingUpdate\":null}}}");
        rolloutStatus(ns, "deployment/app");
        kubectl.ok("set", "image", "deployment/app", "nginx=nginx:2", "-n", ns);
        rolloutStatus(ns, "deployment/app");
        assertThat(items(ns, "pods", "-l", "app=app")).hasSize(3)
                .allSatisfy(p -> assertThat(p.at("/spec/containers/0/image").asText()).isEqualTo("nginx:2"));
    }

    @Test
    void replicaSetReplacesDeletedPods() {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "heal", "--image=nginx", "--replicas=3", "-n", ns);
        rolloutStatus(ns, "deployment/heal");
        Set<String> before = names(items(ns, "pods", "-l", "app=heal"));
        String victim = before.iterator().next();
        kubectl.run(null, Duration.ofSeconds(60), "delete", "pod", victim, "-n", ns).assertOk();
        Await.until(SETTLE, "a replacement pod running", () -> {
            List<JsonNode> now = items(ns, "pods", "-l", "app=heal");
            return now.size() == 3 && !names(now).contains(victim)
                    && now.stream().allMatch(p -> p.at("/status/phase").asText().equals("Running"));
        });
        String describe = kubectl.ok("describe", "replicaset", "-n", ns);
        assertThat(describe).contains("SuccessfulCreate").contains("Created pod: heal-");
    }

    @Test
    void deletingADeploymentDeletesWhatItOwns() {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "gone", "--image=nginx", "--replicas=2", "-n", ns);
        rolloutStatus(ns, "deployment/gone");
        kubectl.run(null, Duration.ofSeconds(60), "delete", "deployment", "gone", "-n", ns).assertOk();
        Await.until(SETTLE, "no ReplicaSet and no Pod left", () ->
                items(ns, "replicasets").isEmpty() && items(ns, "pods").isEmpty());

        // --cascade=orphan keeps the ReplicaSet and its pods, and frees the ReplicaSet of its owner
        kubectl.ok("create", "deployment", "kept", "--image=nginx", "--replicas=2", "-n", ns);
        rolloutStatus(ns, "deployment/kept");
        kubectl.run(null, Duration.ofSeconds(60), "delete", "deployment", "kept", "-n", ns, "--cascade=orphan").assertOk();
        Await.until(SETTLE, "deployment gone, ReplicaSet orphaned", () -> {
            List<JsonNode> sets = items(ns, "replicasets");
            return items(ns, "deployments").isEmpty() && sets.size() == 1 && sets.getFirst().at("/metadata/ownerReferences").isEmpty();
        });
        assertThat(items(ns, "pods", "-l", "app=kept")).hasSize(2);
    }

    @Test
    void schedulerPacksTaintsSelectsAndExplains() {
        String ns = newNamespace();
        // four 1-cpu pods on two 4-cpu nodes: bin packing fills one node first
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < 4; i++) manifest.append(packedPod(ns, "packed-" + i, "1")).append("---\n");
        kubectl.runWithInput(manifest.toString(), "apply", "-f", "-").assertOk();
        Await.until(SETTLE, "4 pods bound", () -> items(ns, "pods").stream().allMatch(p -> !p.at("/spec/nodeName").asText().isEmpty()));
        Set<String> used = new HashSet<>();
        items(ns, "pods").forEach(p -> used.add(p.at("/spec/nodeName").asText()));
        assertThat(used).as("bin packing puts all four on one node").hasSize(1);

        // a fifth does not fit there any more and goes to the other node
        kubectl.runWithInput(packedPod(ns, "packed-4", "1"), "apply", "-f", "-").assertOk();
        Await.until(SETTLE, "fifth pod bound", () -> !json("get", "pod", "packed-4", "-n", ns, "-o", "json").at("/spec/nodeName").asText().isEmpty());
        assertThat(json("get", "pod", "packed-4", "-n", ns, "-o", "json").at("/spec/nodeName").asText()).isNotIn(used);

        // one too large for any node stays Pending with the reasons kubectl users know
        kubectl.runWithInput(packedPod(ns, "huge", "64"), "apply", "-f", "-").assertOk();
        Await.until(SETTLE, "huge pod unschedulable", () -> json("get", "pod", "huge", "-n", ns, "-o", "json")
                .at("/status/conditions/0/reason").asText().equals("Unschedulable"));
        String message = json("get", "pod", "huge", "-n", ns, "-o", "json").at("/status/conditions/0/message").asText();
        assertThat(message).startsWith("0/8 nodes are available: ")
                .contains("2 Insufficient cpu").contains("2 node(s) didn't match Pod's node affinity/selector")
                .contains("2 node(s) had untolerated taint {dedicated: frail}");
        assertThat(kubectl.ok("describe", "pod", "huge", "-n", ns)).contains("FailedScheduling");

        // untolerated taints keep pods away: without the toleration, no packing node is eligible
        kubectl.runWithInput("""
                apiVersion: v1
                kind: Pod
                metadata: {name: intolerant, namespace: %s}
                spec:
                  nodeSelector: {pool: packing}
                  containers: [{name: c, image: busybox}]
                """.formatted(ns), "apply", "-f", "-").assertOk();
        Await.until(SETTLE, "intolerant pod unschedulable", () -> json("get", "pod", "intolerant", "-n", ns, "-o", "json")
                .at("/status/conditions/0/message").asText().contains("2 node(s) had untolerated taint {dedicated: packing}"));

        // freeing room makes the scheduler try again: the big pod's node change wakes it
        kubectl.ok("patch", "node", "pack-1", "--type=merge", "-p", "{\"status\":{\"allocatable\":{\"cpu\":\"100\"}}}", "--subresource=status");
        Await.until(SETTLE, "huge pod bound after capacity grew", () ->
                json("get", "pod", "huge", "-n", ns, "-o", "json").at("/spec/nodeName").asText().equals("pack-1"));
    }

    @Test
    void podsOfASilentNodeMoveToAHealthyOne() {
        String ns = newNamespace();
        kubectl.runWithInput("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: sturdy, namespace: %s}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: sturdy}}
                  template:
                    metadata: {labels: {app: sturdy}}
                    spec:
                      nodeSelector: {pool: frail}
                      # a spread constraint of its own (across pools: one domain here) turns off the default
                      # spreading of a controller's pods across nodes, so bin packing puts both on one node
                      topologySpreadConstraints:
                      - {maxSkew: 1, topologyKey: pool, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: sturdy}}}
                      tolerations:
                      - {key: dedicated, value: frail, effect: NoSchedule}
                      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
                      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
                      containers: [{name: c, image: nginx}]
                """.formatted(ns), "apply", "-f", "-").assertOk();
        rolloutStatus(ns, "deployment/sturdy");
        Set<String> used = new HashSet<>();
        items(ns, "pods", "-l", "app=sturdy").forEach(p -> used.add(p.at("/spec/nodeName").asText()));
        assertThat(used).as("bin packing keeps both on one node").hasSize(1);
        String failing = used.iterator().next();
        String healthy = failing.equals("frail-0") ? "frail-1" : "frail-0";

        frailNodes.stopHeartbeat(failing);
        Await.until(SETTLE, "node " + failing + " Ready=Unknown and tainted unreachable", () -> {
            JsonNode node = json("get", "node", failing, "-o", "json");
            boolean unknown = false;
            for (JsonNode c : node.at("/status/conditions")) {
                if (c.path("type").asText().equals("Ready")) unknown = c.path("status").asText().equals("Unknown");
            }
            boolean tainted = node.at("/spec/taints").toString().contains("node.kubernetes.io/unreachable");
            return unknown && tainted;
        });
        Await.until(SETTLE, "replacement pods running on " + healthy, () -> {
            List<JsonNode> live = items(ns, "pods", "-l", "app=sturdy").stream()
                    .filter(p -> p.at("/metadata/deletionTimestamp").isMissingNode()).toList();
            return live.size() == 2 && live.stream().allMatch(p -> p.at("/spec/nodeName").asText().equals(healthy)
                    && p.at("/status/phase").asText().equals("Running"));
        });
        assertThat(kubectl.ok("get", "events", "-n", ns)).contains("TaintManagerEviction");

        // back online: the node reports Ready, loses its taints, and finishes its evicted pods
        frailNodes.resumeHeartbeat(failing);
        Await.until(SETTLE, "node " + failing + " untainted", () ->
                !json("get", "node", failing, "-o", "json").at("/spec/taints").toString().contains("node.kubernetes.io/unreachable"));
        Await.until(SETTLE, "evicted pods gone", () -> items(ns, "pods", "-l", "app=sturdy").size() == 2);
    }

    @Test
    void drainEvictsWithinTheDisruptionBudget() {
        String ns = newNamespace();
        kubectl.runWithInput("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: guarded, namespace: %1$s}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: guarded}}
                  template:
                    metadata: {labels: {app: guarded}}
                    spec:
                      nodeSelector: {pool: drain}
                      # its own spread constraint (one pool: one domain) turns off default spreading: all on one node
                      topologySpreadConstraints:
                      - {maxSkew: 1, topologyKey: pool, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: guarded}}}
                      tolerations: [{key: dedicated, value: drain, effect: NoSchedule}]
                      containers: [{name: c, image: nginx}]
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: guarded, namespace: %1$s}
                spec:
                  minAvailable: 2
                  selector: {matchLabels: {app: guarded}}
                """.formatted(ns), "apply", "-f", "-").assertOk();
        rolloutStatus(ns, "deployment/guarded");
        Await.until(SETTLE, "the budget allows one disruption", () ->
                json("get", "pdb", "guarded", "-n", ns, "-o", "json").at("/status/disruptionsAllowed").asInt() == 1);
        assertThat(kubectl.ok("get", "pdb", "guarded", "-n", ns)).containsPattern("guarded\\s+2\\s+N/A\\s+1\\s");
        Set<String> used = new HashSet<>();
        items(ns, "pods", "-l", "app=guarded").forEach(p -> used.add(p.at("/spec/nodeName").asText()));
        assertThat(used).hasSize(1);
        String drained = used.iterator().next();
        String other = drained.equals("drain-0") ? "drain-1" : "drain-0";

        // kubectl evicts one pod at a time as the budget allows, retrying on 429 until replacements are ready
        Kubectl.Result drain = kubectl.run(null, Duration.ofSeconds(150), "drain", drained, "--ignore-daemonsets",
                "--delete-emptydir-data", "--timeout=140s");
        drain.assertOk();
        assertThat(drain.stdout()).contains("node/" + drained + " cordoned").contains("evicting pod " + ns + "/guarded-")
                .contains("node/" + drained + " drained");
        assertThat(json("get", "node", drained, "-o", "json").at("/spec/unschedulable").asBoolean()).isTrue();
        Await.until(SETTLE, "three pods running on " + other, () -> {
            List<JsonNode> pods = items(ns, "pods", "-l", "app=guarded");
            return pods.size() == 3 && pods.stream().allMatch(p -> p.at("/spec/nodeName").asText().equals(other)
                    && p.at("/status/phase").asText().equals("Running"));
        });
        assertThat(kubectl.ok("uncordon", drained)).contains("uncordoned");
        assertThat(json("get", "node", drained, "-o", "json").at("/spec/unschedulable").asBoolean()).isFalse();

        // a direct eviction the budget cannot afford is refused with 429
        kubectl.ok("scale", "deployment/guarded", "--replicas=2", "-n", ns);
        Await.until(SETTLE, "the budget allows none", () -> {
            JsonNode status = json("get", "pdb", "guarded", "-n", ns, "-o", "json").at("/status");
            return status.path("disruptionsAllowed").asInt(-1) == 0 && status.path("currentHealthy").asInt() == 2;
        });
        String victim = items(ns, "pods", "-l", "app=guarded").getFirst().at("/metadata/name").asText();
        String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + victim + "\",\"namespace\":\"" + ns + "\"}}";
        String prefix = java.net.URI.create(KubeconfigFile.read(cluster.kubeconfig()).server()).getPath();
        Kubectl.Result refused = kubectl.runWithInput(eviction, "create", "--raw",
                prefix + "/api/v1/namespaces/" + ns + "/pods/" + victim + "/eviction", "-f", "-");
        refused.assertFails();
        assertThat(refused.stderr()).contains("Cannot evict pod as it would violate the pod's disruption budget");
    }

    @Test
    void everyNamespaceHasItsDefaultAccountAndRootCertificate() {
        String ns = newNamespace();
        Await.until(SETTLE, "default ServiceAccount and kube-root-ca.crt in " + ns, () ->
                kubectl.run("get", "serviceaccount", "default", "-n", ns).exitCode() == 0
                        && kubectl.run("get", "configmap", "kube-root-ca.crt", "-n", ns).exitCode() == 0);
        String ca = json("get", "configmap", "kube-root-ca.crt", "-n", ns, "-o", "json").at("/data/ca.crt").asText();
        assertThat(ca).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(ca.strip()).isEqualTo(KubeconfigFile.read(cluster.kubeconfig()).caPem().strip());
        // deleted or tampered with, they come back as they were
        kubectl.ok("delete", "serviceaccount", "default", "-n", ns);
        kubectl.ok("patch", "configmap", "kube-root-ca.crt", "-n", ns, "--type=merge", "-p", "{\"data\":{\"ca.crt\":\"forged\"}}");
        Await.until(SETTLE, "default account and certificate restored", () ->
                kubectl.run("get", "serviceaccount", "default", "-n", ns).exitCode() == 0
                        && json("get", "configmap", "kube-root-ca.crt", "-n", ns, "-o", "json").at("/data/ca.crt").asText().equals(ca));
    }

    private static String packedPod(String ns, String name, String cpu) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  nodeSelector: {pool: packing}
                  tolerations: [{key: dedicated, operator: Equal, value: packing, effect: NoSchedule}]
                  containers:
                  - name: c
                    image: busybox
                    resources: {requests: {cpu: "%s", memory: 64Mi}}
                """.formatted(name, ns, cpu);
    }

    private static String conditionReason(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) if (c.path("type").asText().equals(type)) return c.path("reason").asText();
        return null;
    }

    private static Set<String> names(List<JsonNode> objects) {
        Set<String> out = new HashSet<>();
        for (JsonNode o : objects) out.add(o.at("/metadata/name").asText());
        return out;
    }
}
