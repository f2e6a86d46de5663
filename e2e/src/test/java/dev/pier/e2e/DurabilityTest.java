package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.pier.e2e.KubectlTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a SQLite-backed server acknowledged survives a {@code kill -9}: every object kubectl saw created
 * or updated is there after a restart on the same data directory, with the same uid, resourceVersion and
 * content, and what it saw deleted stays deleted. A SIGTERM is a clean shutdown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurabilityTest {
    private static final String NS = "durable";

    private Path work;
    private PierProcess pier;
    private int kubectls;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("pier-e2e-durability-");
        pier = PierProcess.server(work.resolve("data")).start();
    }

    @BeforeEach
    void running() {
        if (!pier.isAlive()) pier.start();
    }

    @AfterAll
    void stop() {
        if (pier != null) pier.close();
        TempDirs.delete(work);
    }

    /** A kubectl with a fresh discovery cache: every restart serves on another port. */
    private Kubectl kubectl() {
        return new Kubectl(pier.kubeconfig(), work.resolve("kubectl-" + (kubectls++)));
    }

    @Test
    void acknowledgedWritesSurviveKill9() {
        Kubectl kubectl = kubectl();
        Map<String, JsonNode> acked = new LinkedHashMap<>();
        remember(acked, kubectl.ok("create", "namespace", NS, "-o", "json"));
        // every kind, from the manifests; what the server refuses is not acknowledged (KubectlTest checks that all are valid)
        Path manifests = Manifests.render(work.resolve("manifests"), NS);
        Kubectl.Result created = kubectl.run("create", "-f", manifests.toString(), "-n", NS, "-o", "json");
        List<JsonNode> createdObjects = Manifests.objects(created.stdout());
        assertThat(createdObjects).as(created.toString()).hasSizeGreaterThan(20);
        createdObjects.forEach(o -> remember(acked, o.toString()));
        // generators (protobuf bodies)
        remember(acked, kubectl.ok("create", "configmap", "settings", "-n", NS, "--from-literal=mode=fast", "-o", "json"));
        remember(acked, kubectl.ok("create", "secret", "generic", "token", "-n", NS, "--from-literal=t=abc", "-o", "json"));
        remember(acked, kubectl.ok("create", "deployment", "api", "-n", NS, "--image=nginx:1.27", "-o", "json"));
        // an update
        ObjectNode settings = acked.get(key("v1", "ConfigMap", "settings")).deepCopy();
        ((ObjectNode) settings.path("data")).put("mode", "safe");
        remember(acked, kubectl.runWithInput(settings.toString(), "replace", "-f", "-", "-o", "json").assertOk().stdout());
        // a delete
        kubectl.ok("create", "configmap", "gone", "-n", NS, "--from-literal=k=v");
        kubectl.ok("delete", "configmap", "gone", "-n", NS, "--wait=false");
        // a burst of small writes, the last one acknowledged right before the kill
        for (int i = 0; i < 10; i++) {
            remember(acked, kubectl.ok("create", "configmap", "burst-" + i, "-n", NS, "--from-literal=i=" + i, "-o", "json"));
        }
        pier.kill();

        pier.start();
        Kubectl after = kubectl();
        assertSurvived(after, manifests, acked);

        // a second crash, right after an update of something written before the first
        ObjectNode burst = acked.get(key("v1", "ConfigMap", "burst-9")).deepCopy();
        ((ObjectNode) burst.path("data")).put("i", "nine");
        remember(acked, after.runWithInput(burst.toString(), "replace", "-f", "-", "-o", "json").assertOk().stdout());
        pier.kill();

        pier.start();
        Kubectl third = kubectl();
        assertSurvived(third, manifests, acked);

        // revisions go on from where they were: a new write is newer than everything acknowledged
        long newest = acked.values().stream().mapToLong(o -> Long.parseLong(o.at("/metadata/resourceVersion").asText())).max().orElseThrow();
        JsonNode fresh = json(third.ok("create", "configmap", "after-restart", "-n", NS, "--from-literal=k=v", "-o", "json"));
        assertThat(Long.parseLong(fresh.at("/metadata/resourceVersion").asText())).isGreaterThan(newest);
    }

    @Test
    void sigtermShutsDownCleanlyWithExitCodeZero() {
        Kubectl kubectl = kubectl();
        kubectl.ok("create", "namespace", "graceful");
        JsonNode cm = json(kubectl.ok("create", "configmap", "kept", "-n", "graceful", "--from-literal=k=v", "-o", "json"));

        int exit = pier.stop();
        String log = pier.logTail();
        assertThat(log).contains("Pier stopped.");

        pier.start();
        JsonNode again = json(kubectl().ok("get", "configmap", "kept", "-n", "graceful", "-o", "json"));
        assertThat(again.at("/metadata/uid").asText()).isEqualTo(cm.at("/metadata/uid").asText());
        assertThat(again.at("/metadata/resourceVersion").asText()).isEqualTo(cm.at("/metadata/resourceVersion").asText());
        // like kube-apiserver: an orderly shutdown on SIGTERM is a success (not 143 = killed by signal 15)
        assertThat(exit).as("exit code of pier server after SIGTERM; log:\n%s", log).isZero();
    }

    /** Kinds whose objects the controllers and scheduler write after a client created them. */
    private static final java.util.Set<String> CONTROLLED_KINDS = java.util.Set.of("Pod", "Deployment", "ReplicaSet", "StatefulSet",
            "DaemonSet", "Job", "CronJob", "ReplicationController", "Node", "PersistentVolumeClaim", "Service", "Namespace",
            // a StatefulSet adopts the manifests' orphan revision its selector matches; the disruption controller writes PDB status
            "ControllerRevision", "PodDisruptionBudget",
            // the PV controller binds the manifests' claim to their volume
            "PersistentVolume");

    private static String key(String apiVersion, String kind, String name) {
        return apiVersion + " " + kind + " " + name;
    }

    private static String key(JsonNode o) {
        return key(o.path("apiVersion").asText(), o.path("kind").asText(), o.at("/metadata/name").asText());
    }

    private static void remember(Map<String, JsonNode> acked, String kubectlOutput) {
        JsonNode o = json(kubectlOutput);
        assertThat(o.at("/metadata/resourceVersion").asText()).as("acknowledged %s", key(o)).isNotBlank();
        acked.put(key(o), o);
    }

    /** Reads everything back with a few kubectl calls and compares it with what was acknowledged. */
    private static void assertSurvived(Kubectl kubectl, Path manifests, Map<String, JsonNode> acked) {
        Map<String, JsonNode> now = new LinkedHashMap<>();
        for (Kubectl.Result r : List.of(
                kubectl.run("get", "-f", manifests.toString(), "-n", NS, "-o", "json", "--ignore-not-found"),
                kubectl.run("get", "configmaps,secrets,deployments", "-n", NS, "-o", "json"),
                kubectl.run("get", "namespace", NS, "-o", "json"))) {
            r.assertOk();
            Manifests.objects(r.stdout()).forEach(o -> now.put(key(o), o));
        }
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, JsonNode> e : acked.entrySet()) {
            JsonNode was = e.getValue();
            JsonNode is = now.get(e.getKey());
            if (is == null) {
                soft.fail("%s was acknowledged before the kill but is gone", e.getKey());
                continue;
            }
            soft.assertThat(is.at("/metadata/uid").asText()).as("%s uid", e.getKey()).isEqualTo(was.at("/metadata/uid").asText());
            // never older than acknowledged; controllers may have written since (status, revision annotations)
            soft.assertThat(Long.parseLong(is.at("/metadata/resourceVersion").asText())).as("%s resourceVersion", e.getKey())
                    .isGreaterThanOrEqualTo(Long.parseLong(was.at("/metadata/resourceVersion").asText()));
            if (!CONTROLLED_KINDS.contains(is.path("kind").asText())) {
                soft.assertThat(is.at("/metadata/resourceVersion").asText()).as("%s resourceVersion", e.getKey())
                        .isEqualTo(was.at("/metadata/resourceVersion").asText());
            }
            for (String field : List.of("data", "spec", "rules", "subjects", "metadata/labels")) {
                JsonNode before = was.at("/" + field);
                if (!before.isMissingNode()) {
                    // (kubectl prints typed objects with "creationTimestamp": null where it has nothing)
                    soft.assertThat(withoutBinding(withoutNulls(KubectlTest.withoutHealthTaints(is).at("/" + field)))).as("%s %s", e.getKey(), field)
                            .isEqualTo(withoutBinding(withoutNulls(before)));
                }
            }
        }
        soft.assertThat(now).as("deleted before the kill").doesNotContainKey(key("v1", "ConfigMap", "gone"));
        soft.assertAll();
    }

    /** A volume's and a claim's spec without what binding them to each other sets. */
    private static JsonNode withoutBinding(JsonNode spec) {
        if (spec instanceof ObjectNode o) o.remove(List.of("claimRef", "volumeName"));
        return spec;
    }

    private static JsonNode withoutNulls(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.properties().removeIf(e -> e.getValue().isNull());
            o.forEach(DurabilityTest::strip);
        } else if (node.isArray()) {
            node.forEach(DurabilityTest::strip);
        }
    }
}
