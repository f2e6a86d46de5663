package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.InformerHub;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler's volume checks, one sync at a time, against a real in-process API on SQLite. */
class SchedulerVolumesTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String CELL = Cells.MANAGEMENT;

    @TempDir
    Path dir;
    private SqliteStore kv;
    private Cells cells;
    private InformerHub hub;
    private LocalClient client;
    private EventRecorder events;
    private WorkQueue<ObjectKey> queue;
    private Scheduler scheduler;

    @BeforeEach
    void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        hub = new InformerHub(kv);
        client = new LocalClient(cells, "test");
        events = new EventRecorder(client, Clock.systemUTC());
        queue = new WorkQueue<>("scheduler", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        scheduler = new Scheduler(client, hub.informer(type("", "nodes")), hub.informer(type("", "pods")),
                new Scheduler.VolumeInformers(hub.informer(type("", "persistentvolumeclaims")), hub.informer(type("", "persistentvolumes")),
                        hub.informer(type("storage.k8s.io", "storageclasses")), hub.informer(type("storage.k8s.io", "csinodes"))),
                events, queue, Clock.systemUTC(), true, Scheduler.SchedulingMetrics.NONE);
        hub.start();
    }

    @AfterEach
    void stop() {
        queue.close();
        hub.close();
        events.close();
        cells.close();
        kv.close();
    }

    private dev.pier.apiserver.registry.ResourceType type(String group, String resource) {
        return client.builtin(group, "v1", resource);
    }

    private ResourceClient resource(String group, String resource) {
        return client.resource(CELL, type(group, resource));
    }

    private void create(String group, String resource, String yaml) throws Exception {
        ObjectNode o = (ObjectNode) YAML.readTree(yaml);
        resource(group, resource).create(o.path("metadata").path("namespace").asText(""), o);
        settle();
    }

    private void settle() throws InterruptedException {
        assertThat(hub.awaitCurrent(Duration.ofSeconds(10))).isTrue();
    }

    private void node(String name, int volumeLimit) throws Exception {
        create("", "nodes", """
                apiVersion: v1
                kind: Node
                metadata: {name: %s, labels: {kubernetes.io/hostname: %s}}
                status:
                  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
                  conditions: [{type: Ready, status: "True"}]
                """.formatted(name, name));
        create("storage.k8s.io", "csinodes", """
                apiVersion: storage.k8s.io/v1
                kind: CSINode
                metadata: {name: %s}
                spec: {drivers: [{name: block.pier.dev, nodeID: %s, allocatable: {count: %d}}]}
                """.formatted(name, name, volumeLimit));
    }

    private void boundClaim(String name, String nodeAffinity) throws Exception {
        create("", "persistentvolumes", """
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: pv-%s}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  csi: {driver: block.pier.dev, volumeHandle: h-%s}
                  %s
                """.formatted(name, name, nodeAffinity));
        create("", "persistentvolumeclaims", """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: %s, namespace: default}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: "", volumeName: pv-%s}
                """.formatted(name, name));
    }

    /** Creates a pod using the claims, runs one scheduling sync and returns the pod as stored. */
    private JsonNode schedule(String pod, String... claims) throws Exception {
        StringBuilder volumes = new StringBuilder();
        for (String c : claims) volumes.append("{name: ").append(c).append(", persistentVolumeClaim: {claimName: ").append(c).append("}},");
        create("", "pods", """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: default, uid: x}
                spec:
                  containers: [{name: c, image: busybox}]
                  volumes: [%s]
                """.formatted(pod, volumes));
        scheduler.sync(new ObjectKey(CELL, "default", pod));
        settle();
        return resource("", "pods").get("default", pod);
    }

    private static String refusal(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) if (c.path("type").asText().equals("PodScheduled")) return c.path("message").asText();
        return "";
    }

    @Test
    void claimsMustExistAndBeBoundUnlessTheyWaitForTheirConsumer() throws Exception {
        node("node-a", 8);
        assertThat(refusal(schedule("missing", "nope"))).startsWith("0/1 nodes are available: persistentvolumeclaim \"nope\" not found.");

        create("storage.k8s.io", "storageclasses", """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: now}
                provisioner: block.pier.dev
                """);
        create("storage.k8s.io", "storageclasses", """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: later}
                provisioner: block.pier.dev
                volumeBindingMode: WaitForFirstConsumer
                """);
        for (String c : new String[]{"now", "later"}) {
            create("", "persistentvolumeclaims", """
                    apiVersion: v1
                    kind: PersistentVolumeClaim
                    metadata: {name: claim-%s, namespace: default}
                    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: %s}
                    """.formatted(c, c));
        }
        assertThat(refusal(schedule("immediate", "claim-now"))).startsWith("0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.");

        JsonNode placed = schedule("first-consumer", "claim-later");
        assertThat(placed.path("spec").path("nodeName").asText()).isEqualTo("node-a");
        assertThat(resource("", "persistentvolumeclaims").get("default", "claim-later").path("metadata").path("annotations")
                .path(Scheduler.SELECTED_NODE).asText()).isEqualTo("node-a");
    }

    @Test
    void volumesKeepPodsWhereTheyCanAttach() throws Exception {
        node("node-a", 1);
        node("node-b", 1);
        boundClaim("pinned", """
                nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-b]}]}]}}
                """);
        assertThat(schedule("follows", "pinned").path("spec").path("nodeName").asText()).isEqualTo("node-b");

        // node-b now holds its one volume: a pod with another volume goes to node-a, and a third one fits nowhere
        boundClaim("second", "");
        assertThat(schedule("elsewhere", "second").path("spec").path("nodeName").asText()).isEqualTo("node-a");
        boundClaim("third", "");
        assertThat(refusal(schedule("nowhere", "third"))).startsWith("0/2 nodes are available: 2 node(s) exceed max volume count.");
        // a pod sharing a volume a node already has is not one volume more
        assertThat(schedule("shares", "second").path("spec").path("nodeName").asText()).isEqualTo("node-a");
    }
}
