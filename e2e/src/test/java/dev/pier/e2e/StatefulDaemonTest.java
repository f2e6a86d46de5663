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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DaemonSets and StatefulSets driven by real kubectl against a real {@code pier server}, with simulated
 * nodes (a test tool that reports bound pods Running and Ready) standing in for kubelets: daemon pods on
 * every eligible node and following nodes, ordered stateful pods with stable names and claims, rolling
 * updates with partitions, and the rollout commands kubectl has for both. Runs on SQLite and on etcd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StatefulDaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(90);
    protected static final String[] SERVER_ARGS = {"--node-monitor-grace-period", "6s"};
    /** One line per watch event: name, phase, Ready status, deletionTimestamp, image. */
    private static final String WATCH_LINE = "jsonpath={.metadata.name} {.status.phase} "
            + "{.status.conditions[?(@.type==\"Ready\")].status} del={.metadata.deletionTimestamp} {.spec.containers[0].image}{\"\\n\"}";

    protected abstract KubectlTest.Cluster startCluster(Path work) throws Exception;

    private Path work;
    private KubectlTest.Cluster cluster;
    private Kubectl kubectl;
    private KubernetesClient client;
    private SimulatedNodes nodes;
    private SimulatedNodes tainted;
    private SimulatedNodes late;
    private final AtomicInteger namespaces = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        cluster = startCluster(work);
        kubectl = new Kubectl(cluster.kubeconfig(), work.resolve("kubectl"));
        client = Clients.fromKubeconfig(cluster.kubeconfig());
        nodes = SimulatedNodes.start(client, "sd", 2, SimulatedNodes.Shape.DEFAULT, Map.of("pool", "general"), Duration.ofSeconds(2));
        tainted = SimulatedNodes.start(client, "infra", 1, SimulatedNodes.Shape.DEFAULT, Map.of("pool", "infra"), Duration.ofSeconds(2));
        kubectl.ok("taint", "node", "infra-0", "dedicated=infra:NoSchedule");
        // these clusters have no provisioner (no block storage): the StatefulSets' claims bind to static volumes, as an
        // administrator would make them, or their pods would wait unscheduled for volumes that never come
        StringBuilder volumes = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            volumes.append("""
                    apiVersion: v1
                    kind: PersistentVolume
                    metadata: {name: static-%d}
                    spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/static-%d}}
                    ---
                    """.formatted(i, i));
        }
        kubectl.runWithInput(volumes.toString(), "apply", "-f", "-").assertOk();
    }

    @AfterAll
    void stop() throws Exception {
        for (SimulatedNodes n : new SimulatedNodes[]{nodes, tainted, late}) if (n != null) n.close();
        if (client != null) client.close();
        if (cluster != null) cluster.resources().close();
        TempDirs.delete(work);
    }

    // ------------------------------------------------------------------ DaemonSets

    @Test
    void daemonSetRunsOnEveryEligibleNodeFollowsNodesAndRollsOut() {
        String ns = newNamespace();
        apply("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: %s}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: c, image: busybox}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: edge, namespace: %s}
                spec:
                  selector: {matchLabels: {app: edge}}
                  template:
                    metadata: {labels: {app: edge}}
                    spec:
                      nodeSelector: {tier: edge}
                      tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]
                      containers: [{name: c, image: busybox}]
                """.formatted(ns, ns));
        assertThat(rolloutStatus(ns, "ds/agent")).contains("daemon set \"agent\" successfully rolled out");
        assertThat(podsByNode(ns, "app=agent")).as("one pod on each untainted node, none on the tainted one")
                .containsOnlyKeys("sd-0", "sd-1");
        JsonNode pod = items(ns, "pods", "-l", "app=agent").getFirst();
        assertThat(pod.at("/metadata/labels/controller-revision-hash").asText()).isNotEmpty();
        assertThat(pod.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("DaemonSet");
        assertThat(pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/key").asText())
                .isEqualTo("metadata.name");
        assertThat(pod.at("/spec/tolerations").toString()).contains("node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable");
        JsonNode status = json("get", "ds", "agent", "-n", ns, "-o", "json").path("status");
        assertThat(status.path("desiredNumberScheduled").asInt()).isEqualTo(2);
        assertThat(status.path("numberReady").asInt()).isEqualTo(2);
        assertThat(status.path("numberMisscheduled").asInt()).isZero();
        assertThat(items(ns, "pods", "-l", "app=edge")).as("no node is labelled tier=edge yet").isEmpty();

        // a node that joins gets the daemon pod; a label makes it eligible for the selective one, and taking it away removes it
        late = SimulatedNodes.start(client, "late", 1, SimulatedNodes.Shape.DEFAULT, Map.of("pool", "late"), Duration.ofSeconds(2));
        Await.until(SETTLE, "a daemon pod running on the new node", () -> "Running".equals(podsByNode(ns, "app=agent").get("late-0")));
        kubectl.ok("label", "node", "late-0", "infra-0", "tier=edge");
        Await.until(SETTLE, "the selective daemon on both labelled nodes, tainted one included", () ->
                podsByNode(ns, "app=edge").keySet().equals(java.util.Set.of("late-0", "infra-0")));
        kubectl.ok("label", "node", "late-0", "tier-");
        Await.until(SETTLE, "the selective daemon gone from the unlabelled node", () ->
                podsByNode(ns, "app=edge").keySet().equals(java.util.Set.of("infra-0")));

        // an image update rolls out node by node; rollout history and undo read the ControllerRevisions
        kubectl.ok("set", "image", "ds/agent", "c=busybox:1.36", "-n", ns);
        assertThat(rolloutStatus(ns, "ds/agent")).contains("successfully rolled out");
        Await.until(SETTLE, "three updated daemon pods and no old one", () -> {
            List<JsonNode> live = live(items(ns, "pods", "-l", "app=agent"));
            return live.size() == 3 && live.stream().allMatch(p -> p.at("/spec/containers/0/image").asText().equals("busybox:1.36"));
        });
        String history = kubectl.ok("rollout", "history", "ds/agent", "-n", ns);
        assertThat(history).contains("REVISION").containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
        assertThat(kubectl.ok("rollout", "history", "ds/agent", "-n", ns, "--revision=1")).containsPattern("Image:\\s+busybox\\n");
        assertThat(kubectl.ok("rollout", "undo", "ds/agent", "-n", ns)).contains("rolled back");
        assertThat(rolloutStatus(ns, "ds/agent")).contains("successfully rolled out");
        assertThat(json("get", "ds", "agent", "-n", ns, "-o", "json").at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox");
        assertThat(kubectl.ok("rollout", "history", "ds/agent", "-n", ns)).as("revision 1 came back as 3")
                .containsPattern("(?m)^2\\s").containsPattern("(?m)^3\\s").doesNotContainPattern("(?m)^1\\s");
        assertThat(kubectl.ok("rollout", "undo", "ds/agent", "-n", ns, "--to-revision=3"))
                .contains("skipped rollback (current template already matches revision 3)");
        assertThat(kubectl.ok("describe", "ds", "agent", "-n", ns)).contains("SuccessfulCreate").contains("Created pod: agent-");

        kubectl.run(null, Duration.ofSeconds(60), "delete", "ds", "agent", "edge", "-n", ns).assertOk();
        Await.until(SETTLE, "no daemon pod and no revision left", () ->
                items(ns, "pods").isEmpty() && items(ns, "controllerrevisions").isEmpty());
    }

    // ------------------------------------------------------------------ StatefulSets

    @Test
    void statefulSetComesUpInOrderWithStableNamesAndClaimsAndScalesDownFromTheTop() {
        String ns = newNamespace();
        try (Kubectl.Background watch = watchPods(ns, "web")) {
            apply(statefulSet(ns, "web", 3, "OrderedReady", "nginx", ""));
            assertThat(rolloutStatus(ns, "sts/web")).contains("partitioned roll out complete: 3 new pods have been updated...");
            watch.awaitStdout(SETTLE, "web-2 running", out -> out.contains("web-2 Running True"));
            List<String> lines = watch.stdout().lines().toList();
            assertThat(firstLine(lines, "web-1 ")).as("web-1 is created only once web-0 is Running and Ready:\n" + lines)
                    .isGreaterThan(firstLine(lines, "web-0 Running True"));
            assertThat(firstLine(lines, "web-2 ")).as("web-2 only after web-1:\n" + lines)
                    .isGreaterThan(firstLine(lines, "web-1 Running True"));
        }
        for (int i = 0; i < 3; i++) {
            JsonNode pod = json("get", "pod", "web-" + i, "-n", ns, "-o", "json");
            assertThat(pod.at("/spec/hostname").asText()).isEqualTo("web-" + i);
            assertThat(pod.at("/spec/subdomain").asText()).isEqualTo("web");
            assertThat(pod.at("/metadata/labels/statefulset.kubernetes.io~1pod-name").asText()).isEqualTo("web-" + i);
            assertThat(pod.at("/metadata/labels/apps.kubernetes.io~1pod-index").asText()).isEqualTo(Integer.toString(i));
            assertThat(pod.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText()).isEqualTo("www-web-" + i);
        }
        assertThat(names(items(ns, "pvc"))).containsExactly("www-web-0", "www-web-1", "www-web-2");
        assertThat(items(ns, "pvc", "-l", "app=web")).hasSize(3);
        JsonNode status = json("get", "sts", "web", "-n", ns, "-o", "json").path("status");
        assertThat(status.path("readyReplicas").asInt()).isEqualTo(3);
        assertThat(status.path("currentRevision").asText()).startsWith("web-").isEqualTo(status.path("updateRevision").asText());
        assertThat(kubectl.ok("get", "controllerrevisions", "-n", ns)).contains("statefulset.apps/web");

        try (Kubectl.Background watch = watchPods(ns, "web")) {
            kubectl.ok("scale", "sts/web", "--replicas=1", "-n", ns);
            Await.until(SETTLE, "only web-0 left", () -> names(items(ns, "pods", "-l", "app=web")).equals(List.of("web-0")));
            watch.awaitStdout(SETTLE, "web-1 deleted", out -> out.lines().anyMatch(l -> l.startsWith("web-1 ") && !l.contains("del= ")));
            List<String> lines = watch.stdout().lines().toList();
            int web2Deleted = firstMatching(lines, l -> l.startsWith("web-2 ") && !l.contains("del= "));
            int web1Deleted = firstMatching(lines, l -> l.startsWith("web-1 ") && !l.contains("del= "));
            assertThat(web2Deleted).as("the highest ordinal goes first:\n" + lines).isNotNegative().isLessThan(web1Deleted);
        }
        assertThat(items(ns, "pvc")).as("claims are retained on scale-down by default").hasSize(3);
        Await.until(SETTLE, "status replicas 1", () ->
                json("get", "sts", "web", "-n", ns, "-o", "json").at("/status/replicas").asInt() == 1);
        assertThat(kubectl.ok("describe", "sts", "web", "-n", ns))
                .contains("create Pod web-0 in StatefulSet web successful")
                .contains("delete Pod web-2 in StatefulSet web successful");
    }

    @Test
    void statefulSetRollingUpdateHonoursThePartitionThenRollsBack() {
        String ns = newNamespace();
        apply(statefulSet(ns, "db", 3, "OrderedReady", "nginx", ""));
        rolloutStatus(ns, "sts/db");
        String first = json("get", "sts", "db", "-n", ns, "-o", "json").at("/status/currentRevision").asText();

        kubectl.ok("patch", "sts/db", "-n", ns, "-p", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":2}}}}");
        kubectl.ok("set", "image", "sts/db", "c=nginx:1.27", "-n", ns);
        assertThat(rolloutStatus(ns, "sts/db")).contains("partitioned roll out complete: 1 new pods have been updated...");
        Map<String, String> images = imagesByPod(ns, "app=db");
        assertThat(images).as("only ordinals at or above the partition are updated")
                .containsEntry("db-2", "nginx:1.27").containsEntry("db-1", "nginx").containsEntry("db-0", "nginx");
        assertThat(json("get", "pod", "db-0", "-n", ns, "-o", "json").at("/metadata/labels/controller-revision-hash").asText())
                .isEqualTo(first);

        try (Kubectl.Background watch = watchPods(ns, "db")) {
            kubectl.ok("patch", "sts/db", "-n", ns, "-p", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}");
            assertThat(rolloutStatus(ns, "sts/db")).contains("partitioned roll out complete: 3 new pods have been updated...");
            watch.awaitStdout(SETTLE, "db-0 recreated", out -> out.contains("db-0 Running True del= nginx:1.27"));
            List<String> lines = watch.stdout().lines().toList();
            assertThat(firstLine(lines, "db-1 Running True del= nginx:1.27")).as("db-1 updated before db-0:\n" + lines)
                    .isNotNegative().isLessThan(firstMatching(lines, l -> l.startsWith("db-0 ") && !l.contains("del= ")));
        }
        assertThat(imagesByPod(ns, "app=db").values()).containsOnly("nginx:1.27");
        JsonNode status = json("get", "sts", "db", "-n", ns, "-o", "json").path("status");
        assertThat(status.path("currentRevision").asText()).isEqualTo(status.path("updateRevision").asText()).isNotEqualTo(first);

        String history = kubectl.ok("rollout", "history", "sts/db", "-n", ns);
        assertThat(history).containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
        assertThat(kubectl.ok("rollout", "undo", "sts/db", "-n", ns)).contains("rolled back");
        assertThat(rolloutStatus(ns, "sts/db")).contains("partitioned roll out complete: 3 new pods have been updated...");
        Await.until(SETTLE, "every pod back on the first image", () -> imagesByPod(ns, "app=db").values().stream().allMatch("nginx"::equals)
                && imagesByPod(ns, "app=db").size() == 3);
        assertThat(json("get", "sts", "db", "-n", ns, "-o", "json").at("/status/currentRevision").asText())
                .as("the first revision, renumbered").isEqualTo(first);
    }

    @Test
    void parallelCreatesEveryPodAtOnceWhileOrderedReadyWaits() {
        String ns = newNamespace();
        // no node has this label: every pod stays Pending, never Ready
        String nowhere = "      nodeSelector: {pool: nowhere}\n";
        String deleteClaims = "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}\n";
        apply(statefulSet(ns, "par", 3, "Parallel", "nginx", nowhere, deleteClaims) + "---\n"
                + statefulSet(ns, "ord", 3, "OrderedReady", "nginx", nowhere));
        Await.until(SETTLE, "all three Parallel pods created", () -> items(ns, "pods", "-l", "app=par").size() == 3);
        Await.until(SETTLE, "ord-0 unschedulable and the set's status observed", () -> {
            JsonNode pod = kubectl.run("get", "pod", "ord-0", "-n", ns, "-o", "json").exitCode() == 0
                    ? json("get", "pod", "ord-0", "-n", ns, "-o", "json") : null;
            JsonNode sts = json("get", "sts", "ord", "-n", ns, "-o", "json");
            return pod != null && pod.at("/status/conditions").toString().contains("Unschedulable")
                    && sts.at("/status/observedGeneration").asInt() == 1 && sts.at("/status/replicas").asInt() == 1;
        });
        assertThat(names(items(ns, "pods", "-l", "app=ord"))).as("OrderedReady waits for ord-0").containsExactly("ord-0");
        assertThat(items(ns, "pvc")).as("each created pod has its claim").hasSize(4);
        Await.until(SETTLE, "the set controls its claims (whenDeleted: Delete)", () -> items(ns, "pvc", "-l", "app=par").stream()
                .allMatch(c -> c.at("/metadata/ownerReferences/0/kind").asText().equals("StatefulSet")));
        assertThat(json("get", "pvc", "www-ord-0", "-n", ns, "-o", "json").at("/metadata/ownerReferences").isMissingNode())
                .as("Retain leaves claims unowned").isTrue();

        // whenScaled: Delete hands the claims of scaled-away pods to those pods, and they go together
        kubectl.ok("scale", "sts/par", "--replicas=1", "-n", ns);
        Await.until(SETTLE, "par-1 and par-2 gone with their claims", () ->
                names(items(ns, "pods", "-l", "app=par")).equals(List.of("par-0"))
                        && names(items(ns, "pvc", "-l", "app=par")).equals(List.of("www-par-0")));
        // whenDeleted: Delete takes the remaining claim with the set; Retain keeps ord's
        kubectl.run(null, Duration.ofSeconds(60), "delete", "sts", "par", "ord", "-n", ns).assertOk();
        Await.until(SETTLE, "pods gone, par's claim deleted, ord's kept", () ->
                items(ns, "pods").isEmpty() && names(items(ns, "pvc")).equals(List.of("www-ord-0")));
        assertThat(items(ns, "controllerrevisions")).as("revisions go with their sets").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * {@code kubectl get pods -w} on the pods of {@code app}, returned once the watch is established: it also
     * selects a sentinel pod (labelled {@code app: <app>-sentinel}, so the set never selects it), and the
     * sentinel showing in the output means kubectl has listed and is watching, so no event of what the test
     * does next is missed.
     */
    private Kubectl.Background watchPods(String ns, String app) {
        String sentinel = app + "-sentinel";
        if (kubectl.run("get", "pod", sentinel, "-n", ns).exitCode() != 0) {
            apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %1$s, namespace: %2$s, labels: {app: %1$s}}
                    spec: {containers: [{name: c, image: busybox}]}
                    """.formatted(sentinel, ns));
        }
        Kubectl.Background watch = kubectl.background("get", "pods", "-n", ns, "-l", "app in (" + app + "," + sentinel + ")",
                "-w", "-o", WATCH_LINE);
        watch.awaitStdout(SETTLE, "the watch listing the sentinel", out -> out.contains(sentinel + " "));
        return watch;
    }

    private static String statefulSet(String ns, String name, int replicas, String policy, String image, String podSpecExtra) {
        return statefulSet(ns, name, replicas, policy, image, podSpecExtra, "");
    }

    private static String statefulSet(String ns, String name, int replicas, String policy, String image, String podSpecExtra,
                                      String specExtra) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  clusterIP: None
                  selector: {app: %1$s}
                  ports: [{port: 80}]
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  serviceName: %1$s
                  replicas: %3$d
                  podManagementPolicy: %4$s
                %7$s  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                %6$s      containers:
                      - name: c
                        image: %5$s
                        volumeMounts: [{name: www, mountPath: /data}]
                  volumeClaimTemplates:
                  - metadata: {name: www}
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources: {requests: {storage: 1Gi}}
                """.formatted(name, ns, replicas, policy, image, podSpecExtra, specExtra);
    }

    private String newNamespace() {
        String ns = "sd-" + namespaces.incrementAndGet();
        kubectl.ok("create", "namespace", ns);
        return ns;
    }

    private void apply(String manifest) {
        kubectl.runWithInput(manifest, "apply", "-f", "-").assertOk();
    }

    private String rolloutStatus(String ns, String what) {
        return kubectl.run(null, Duration.ofSeconds(130), "rollout", "status", what, "-n", ns, "--timeout=120s").assertOk().stdout();
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

    private static List<JsonNode> live(List<JsonNode> pods) {
        return pods.stream().filter(p -> p.at("/metadata/deletionTimestamp").isMissingNode()).toList();
    }

    /** Node → phase of the live pods matching a selector. */
    private Map<String, String> podsByNode(String ns, String selector) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode p : live(items(ns, "pods", "-l", selector))) out.put(p.at("/spec/nodeName").asText(), p.at("/status/phase").asText());
        return out;
    }

    private Map<String, String> imagesByPod(String ns, String selector) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode p : live(items(ns, "pods", "-l", selector))) out.put(p.at("/metadata/name").asText(), p.at("/spec/containers/0/image").asText());
        return out;
    }

    private static List<String> names(List<JsonNode> objects) {
        return objects.stream().map(o -> o.at("/metadata/name").asText()).sorted().toList();
    }

    private static int firstLine(List<String> lines, String prefix) {
        return firstMatching(lines, l -> l.startsWith(prefix));
    }

    private static int firstMatching(List<String> lines, java.util.function.Predicate<String> p) {
        for (int i = 0; i < lines.size(); i++) if (p.test(lines.get(i))) return i;
        return -1;
    }
}
