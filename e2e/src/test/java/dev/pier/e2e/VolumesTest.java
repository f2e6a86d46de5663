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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PersistentVolumes on Pier's block storage, with real loop devices, ext4 and mounts on two real nodes
 * ({@code pier up --nodes 2}): a claim of the default class is provisioned where its first pod runs and
 * its data follows the pod to the other node; a StatefulSet's ordinals keep their data across a rolling
 * restart; a claim grows; a Retain volume outlives its claim and binds again as a static volume; claims
 * that cannot be satisfied say why; deleting the claims (and stopping Pier) leaves no loop device, mount
 * or Delete-policy volume file behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VolumesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(120);
    private static final String NODE_1 = "demo-node-1";
    private static final String NODE_2 = "demo-node-2";

    private Path work;
    private PierProcess pier;
    private Kubectl kubectl;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "volumes-");
        pier = PierProcess.up(work.resolve("data"), "demo").args("--nodes", "2").start();
        kubectl = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (pier != null && pier.isAlive()) pier.stop();
            if (pier != null) {
                assertThat(loopDevices()).as("loop devices of this installation after stop").isEmpty();
                assertThat(mounts()).as("mounts of this installation after stop").isEmpty();
            }
        } finally {
            TempDirs.delete(work);
        }
    }

    @Test
    @Order(1)
    void theClusterHasADefaultClassAndNodesThatTakeVolumes() {
        assertThat(kubectl.ok("get", "storageclass")).contains("standard (default)").contains("block.pier.dev")
                .contains("WaitForFirstConsumer");
        JsonNode standard = kubectl.json("get", "storageclass", "standard");
        assertThat(standard.path("allowVolumeExpansion").asBoolean()).isTrue();
        assertThat(standard.path("reclaimPolicy").asText()).isEqualTo("Delete");
        Await.until(READY, "a CSINode per node", () -> kubectl.items("csinodes").size() == 2);
        for (JsonNode csiNode : kubectl.items("csinodes")) {
            JsonNode driver = csiNode.at("/spec/drivers/0");
            assertThat(driver.path("name").asText()).isEqualTo("block.pier.dev");
            assertThat(driver.at("/allocatable/count").asInt()).isPositive();
        }
    }

    @Test
    @Order(2)
    void aClaimIsProvisionedWhereItsPodRunsAndItsDataFollowsThePodToTheOtherNode() {
        kubectl.apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 64Mi}}
                """);
        JsonNode claim = kubectl.json("get", "pvc", "data");
        assertThat(claim.at("/spec/storageClassName").asText()).as("the default class, by admission").isEqualTo("standard");
        assertThat(claim.at("/status/phase").asText()).isEqualTo("Pending");
        Await.until(READY, "the claim waits for its first consumer", () -> events("data").contains("WaitForFirstConsumer"));

        kubectl.apply(pod("writer", NODE_1, "data", "echo written-on-node-1 > /data/file && sync && exec sleep 3600"));
        awaitPhase("writer", "Running");
        claim = kubectl.json("get", "pvc", "data");
        assertThat(claim.at("/status/phase").asText()).isEqualTo("Bound");
        assertThat(claim.at("/status/capacity/storage").asText()).isEqualTo("64Mi");
        String pvName = claim.at("/spec/volumeName").asText();
        JsonNode pv = kubectl.json("get", "pv", pvName);
        assertThat(pv.at("/spec/csi/driver").asText()).isEqualTo("block.pier.dev");
        assertThat(pv.at("/spec/claimRef/name").asText()).isEqualTo("data");
        assertThat(pv.at("/metadata/annotations/pv.kubernetes.io~1provisioned-by").asText()).isEqualTo("block.pier.dev");
        List<JsonNode> attachments = kubectl.items("volumeattachments");
        assertThat(attachments).singleElement().satisfies(va -> {
            assertThat(va.at("/spec/nodeName").asText()).isEqualTo(NODE_1);
            assertThat(va.at("/spec/source/persistentVolumeName").asText()).isEqualTo(pvName);
            assertThat(va.at("/status/attached").asBoolean()).isTrue();
        });
        assertThat(kubectl.ok("exec", "writer", "--", "df", "-k", "/data")).contains("/dev/loop");
        assertThat(loopDevices()).hasSize(1);

        kubectl.ok("delete", "pod", "writer", "--grace-period=1");
        kubectl.apply(pod("reader", NODE_2, "data", "cat /data/file"));
        awaitPhase("reader", "Succeeded");
        assertThat(kubectl.ok("logs", "reader")).isEqualTo("written-on-node-1\n");
        assertThat(events("reader")).contains("SuccessfulAttachVolume");
        kubectl.ok("delete", "pod", "reader");
        Await.until(READY, "the volume detached once no pod uses it", () -> kubectl.items("volumeattachments").isEmpty());
        Await.until(READY, "no loop device once detached", () -> loopDevices().isEmpty());
    }

    @Test
    @Order(3)
    void aStatefulSetKeepsEachOrdinalsDataAcrossARollingRestart() {
        kubectl.apply("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  replicas: 2
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: db
                        image: busybox
                        command: [sh, -c, 'test -f /data/id || echo "$(hostname)-$RANDOM$RANDOM" > /data/id; cat /data/id; exec sleep 3600']
                        volumeMounts: [{name: data, mountPath: /data}]
                  volumeClaimTemplates:
                  - metadata: {name: data}
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources: {requests: {storage: 32Mi}}
                """);
        kubectl.ok("rollout", "status", "statefulset/db", "--timeout=180s");
        String first = kubectl.ok("logs", "db-0");
        String second = kubectl.ok("logs", "db-1");
        assertThat(first).startsWith("db-0-");
        assertThat(second).startsWith("db-1-");
        assertThat(kubectl.ok("get", "pvc", "data-db-0", "data-db-1")).contains("Bound");

        kubectl.ok("rollout", "restart", "statefulset/db");
        kubectl.ok("rollout", "status", "statefulset/db", "--timeout=180s");
        assertThat(kubectl.ok("logs", "db-0")).as("db-0 reads the id it wrote before the restart").isEqualTo(first);
        assertThat(kubectl.ok("logs", "db-1")).isEqualTo(second);
        kubectl.ok("delete", "statefulset", "db");
    }

    @Test
    @Order(4)
    void aClaimGrowsAndItsFileSystemWithItOnceThePodIsGone() {
        kubectl.ok("patch", "pvc", "data", "-p", "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"128Mi\"}}}}");
        Await.until(READY, "the claim waits for a pod to finish the resize", () -> {
            JsonNode c = kubectl.json("get", "pvc", "data");
            return c.at("/status/conditions").toString().contains("FileSystemResizePending");
        });
        kubectl.apply(pod("grown", NODE_2, "data", "set -- $(df -k /data | tail -1); echo $2; cat /data/file"));
        awaitPhase("grown", "Succeeded");
        String[] lines = kubectl.ok("logs", "grown").split("\n");
        assertThat(Long.parseLong(lines[0].trim())).as("file system size in KiB after growing to 128Mi").isGreaterThan(100_000);
        assertThat(lines[1]).isEqualTo("written-on-node-1");
        Await.until(READY, "the claim shows its new capacity", () -> {
            JsonNode c = kubectl.json("get", "pvc", "data");
            return c.at("/status/capacity/storage").asText().equals("128Mi") && !c.at("/status/conditions").toString().contains("Resize");
        });
        assertThat(kubectl.ok("get", "pvc", "data")).contains("128Mi");
        kubectl.ok("delete", "pod", "grown");
    }

    @Test
    @Order(5)
    void aRetainedVolumeOutlivesItsClaimAndBindsAgainAsAStaticVolume() {
        kubectl.apply("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: keep}
                provisioner: block.pier.dev
                reclaimPolicy: Retain
                volumeBindingMode: WaitForFirstConsumer
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: precious}
                spec:
                  storageClassName: keep
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 32Mi}}
                """);
        kubectl.apply(pod("keeper", NODE_1, "precious", "echo kept > /data/file && sync"));
        awaitPhase("keeper", "Succeeded");
        String pvName = kubectl.json("get", "pvc", "precious").at("/spec/volumeName").asText();
        String handle = kubectl.json("get", "pv", pvName).at("/spec/csi/volumeHandle").asText();
        kubectl.ok("delete", "pod", "keeper");
        kubectl.ok("delete", "pvc", "precious", "--timeout=60s");
        Await.until(READY, "the volume Released, not deleted", () ->
                kubectl.json("get", "pv", pvName).at("/status/phase").asText().equals("Released"));
        assertThat(kubectl.ok("get", "pv", pvName)).contains("Retain").contains("Released").contains("default/precious");

        // the administrator replaces the released PV by a static one on the same volume, for a new claim
        kubectl.ok("delete", "pv", pvName, "--timeout=60s");
        kubectl.apply("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: restored}
                spec:
                  capacity: {storage: 32Mi}
                  accessModes: [ReadWriteOnce]
                  persistentVolumeReclaimPolicy: Retain
                  storageClassName: ""
                  claimRef: {namespace: default, name: again}
                  csi: {driver: block.pier.dev, volumeHandle: %s, fsType: ext4}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: again}
                spec:
                  storageClassName: ""
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 32Mi}}
                """.formatted(handle));
        Await.until(READY, "the new claim bound to the restored volume", () ->
                kubectl.json("get", "pvc", "again").at("/spec/volumeName").asText().equals("restored"));
        kubectl.apply(pod("restorer", NODE_2, "again", "cat /data/file"));
        awaitPhase("restorer", "Succeeded");
        assertThat(kubectl.ok("logs", "restorer")).isEqualTo("kept\n");
        kubectl.ok("delete", "pod", "restorer");
    }

    @Test
    @Order(6)
    void aKilledAgentKeepsItsVolumesMountedAndStillReleasesThemAfterwards() throws Exception {
        kubectl.apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: survivor}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 32Mi}}
                """);
        kubectl.apply(pod("steady", NODE_1, "survivor", "echo before > /data/file && exec sleep 3600"));
        awaitPhase("steady", "Running");
        ProcessHandle agent = pier.agentProcess(NODE_1);
        assertThat(agent.destroyForcibly()).as("SIGKILL to the agent of " + NODE_1).isTrue();
        assertThat(agent.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        // the machine's supervisor starts the agent again: it finds its mount and leaves the pod alone
        Await.until(READY, "agent of " + NODE_1 + " back",
                () -> pier.agentLog(NODE_1).split("agent of node " + NODE_1 + " running", -1).length >= 3);
        kubectl.ok("exec", "steady", "--", "sh", "-c", "echo after >> /data/file");
        assertThat(kubectl.ok("exec", "steady", "--", "cat", "/data/file")).isEqualTo("before\nafter\n");
        assertThat(kubectl.json("get", "pod", "steady").at("/status/containerStatuses/0/restartCount").asInt()).isZero();
        assertThat(kubectl.json("get", "node", NODE_1).at("/status/volumesInUse").toString()).contains("block.pier.dev");

        kubectl.ok("delete", "pod", "steady", "--grace-period=1");
        Await.until(READY, "the volume detached after the restarted agent unmounted it", () -> kubectl.items("volumeattachments").isEmpty());
        assertThat(mounts()).filteredOn(m -> m.contains("block.pier.dev")).isEmpty();
        kubectl.ok("delete", "pvc", "survivor");
    }

    @Test
    @Order(7)
    void claimsThatCannotBeSatisfiedSayWhy() {
        kubectl.apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: classless}
                spec:
                  storageClassName: missing
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 32Mi}}
                """);
        Await.until(READY, "an event naming the missing class", () ->
                kubectl.ok("describe", "pvc", "classless").contains("storageclass.storage.k8s.io \"missing\" not found"));
        kubectl.apply(pod("orphan", NODE_1, "ghost", "true"));
        Await.until(READY, "the pod refused for its missing claim", () ->
                kubectl.ok("describe", "pod", "orphan").contains("persistentvolumeclaim \"ghost\" not found"));
        kubectl.ok("delete", "pod", "orphan");
        kubectl.ok("delete", "pvc", "classless");
    }

    @Test
    @Order(8)
    void deletingTheClaimsLeavesNoDeviceMountOrDeletePolicyVolume() {
        kubectl.ok("delete", "pvc", "--all", "--timeout=120s");
        // Delete-policy volumes go with their claims; the Retain one stays, Released, for its administrator
        Await.until(READY, "only the retained volume left", () -> kubectl.items("pv").stream()
                .allMatch(pv -> pv.at("/spec/persistentVolumeReclaimPolicy").asText().equals("Retain")));
        Await.until(READY, "no attachment left", () -> kubectl.items("volumeattachments").isEmpty());
        assertThat(loopDevices()).isEmpty();
        assertThat(mounts()).filteredOn(m -> m.contains("block.pier.dev")).isEmpty();
        try (Stream<Path> files = Files.list(pier.dataDir().resolve("volumes"))) {
            List<String> images = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".img")).toList();
            assertThat(images).as("volume files left: the retained one only").hasSize(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- helpers ----

    /** A pod on {@code node} (by node selector, so the scheduler places it) mounting {@code claim} at /data. */
    private static String pod(String name, String node, String claim, String script) {
        boolean once = !script.contains("sleep");
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  nodeSelector: {kubernetes.io/hostname: %s}
                  restartPolicy: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: c
                    image: busybox
                    command: [sh, -c, '%s']
                    volumeMounts: [{name: data, mountPath: /data}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: %s}}]
                """.formatted(name, node, once ? "Never" : "Always", script, claim);
    }

    private void awaitPhase(String pod, String phase) {
        JsonNode[] last = {null};
        Await.until(READY, () -> "pod " + pod + " " + phase + "; last seen: " + last[0] + "\nevents: " + events(pod), () -> {
            var r = kubectl.run("get", "pod", pod, "-o", "json");
            if (r.exitCode() != 0) return false;
            try {
                last[0] = JSON.readTree(r.stdout());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(last[0].at("/status/phase").asText()).as("pod %s failed: %s", pod, last[0]).isNotEqualTo("Failed");
            return last[0].at("/status/phase").asText().equals(phase);
        });
    }

    private String events(String object) {
        return kubectl.ok("get", "events", "--field-selector", "involvedObject.name=" + object);
    }

    /** Loop devices whose backing file is in this installation's data directory. */
    private List<String> loopDevices() {
        try {
            Process p = new ProcessBuilder("losetup", "-n", "-l", "-O", "NAME,BACK-FILE").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String data = pier.dataDir().toString();
            return out.lines().filter(l -> l.contains(data)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Mount points under this installation's data directory. */
    private List<String> mounts() {
        try {
            List<String> out = new ArrayList<>();
            String data = pier.dataDir().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) if (line.contains(data)) out.add(line);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
