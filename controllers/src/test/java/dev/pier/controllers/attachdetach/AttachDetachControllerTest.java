package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.testing.TestApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The attach/detach controller against a real in-process API. The test is the controller's worker: it takes
 * the keys that informer events put on the queue and syncs them until none is left, so every step also
 * checks that a change requeues the right keys. It plays the other parts itself: the PV binder (claims bound
 * to PVs), the scheduler (pods with a node), the cloud attacher ({@code status.attached}) and the node agent
 * ({@code volumesInUse}).
 */
class AttachDetachControllerTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String DRIVER = "block.pier.dev";
    /** sha256("vol-1" + "block.pier.dev" + "node-1"), worked out apart from the code under test. */
    private static final String VOL_1_ON_NODE_1 = "csi-58c1806f9102fb1cece04c13d590a1de92fa3f5d0608f38f9105c89bcacc7dcb";

    @TempDir
    Path dir;
    private TestApi api;
    private Informer attachments;
    private Informer events;
    private WorkQueue<AttachDetachKey> queue;
    private AttachDetachController controller;

    @BeforeEach
    void start() {
        api = new TestApi(dir);
        attachments = api.informer("storage.k8s.io", "volumeattachments");
        events = api.informer("", "events");
        queue = new WorkQueue<>("attachdetach", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        controller = AttachDetachController.create(api.client, api.informer("", "pods"), api.informer("", "persistentvolumeclaims"),
                api.informer("", "persistentvolumes"), attachments, api.informer("storage.k8s.io", "csidrivers"),
                api.informer("", "nodes"), api.events, queue, api.clock);
        api.start();
    }

    @AfterEach
    void stop() {
        queue.close();
        api.close();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void scheduledPodWithBoundCsiVolumeGetsAnAttachmentNamedAsKubernetesNamesIt() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        pod("web-0", "node-1", "data");
        work();

        ObjectNode va = attachment(VOL_1_ON_NODE_1);
        assertThat(va).as("VolumeAttachment %s", VOL_1_ON_NODE_1).isNotNull();
        assertThat(va.path("spec")).isEqualTo(yaml("{attacher: block.pier.dev, nodeName: node-1, source: {persistentVolumeName: pv-1}}"));
        assertThat(attachmentsOf("pv-1")).hasSize(1);
    }

    @Test
    void unscheduledPodGetsNoAttachmentUntilItHasANode() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        ObjectNode pod = pod("web-0", null, "data");
        work();
        assertThat(attachmentsOf("pv-1")).isEmpty();

        ObjectNode binding = yaml("{apiVersion: v1, kind: Binding, metadata: {name: web-0}, target: {kind: Node, name: node-1}}");
        api.resource("", "pods").bind("default", pod.path("metadata").path("name").asText(), binding);
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).isNotNull();
    }

    @Test
    void unboundClaimGetsNoAttachmentUntilItIsBound() {
        node("node-1");
        ObjectNode claim = api.create("", "persistentvolumeclaims", yaml("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], storageClassName: "", resources: {requests: {storage: 1Gi}}}
                """));
        pod("web-0", "node-1", "data");
        work();
        assertThat(attachments.listCell(TestApi.CELL)).isEmpty();

        createVolume("pv-1", "vol-1", claim, "ReadWriteOnce");
        work();
        assertThat(attachments.listCell(TestApi.CELL)).as("PV points at the claim, claim not bound yet").isEmpty();

        bind(claim, "pv-1");
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).isNotNull();
    }

    @Test
    void driverThatNeedsNoAttachingGetsNoAttachment() {
        api.resource("storage.k8s.io", "csidrivers").create("", yaml("""
                apiVersion: storage.k8s.io/v1
                kind: CSIDriver
                metadata: {name: block.pier.dev}
                spec: {attachRequired: false}
                """));
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        pod("web-0", "node-1", "data");
        work();
        assertThat(attachments.listCell(TestApi.CELL)).isEmpty();
    }

    @Test
    void readWriteOnceVolumeIsRefusedToASecondNodeUntilTheFirstIsDoneWithIt() {
        node("node-1");
        node("node-2");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        ObjectNode first = pod("web-0", "node-1", "data");
        work();
        pod("web-1", "node-2", "data");
        work();

        assertThat(attachmentsOf("pv-1")).extracting(va -> va.path("spec").path("nodeName").asText()).containsExactly("node-1");
        JsonNode refused = awaitEvent("web-1", "FailedAttachVolume");
        assertThat(refused.path("type").asText()).isEqualTo("Warning");
        assertThat(refused.path("message").asText()).isEqualTo("Multi-Attach error for volume \"pv-1\" Volume is already used by pod(s) web-0");

        // the first pod finishes and its node unmounts the volume: it moves to the second node
        usesVolumes("node-1", "kubernetes.io/csi/block.pier.dev^vol-1");
        finish(first);
        work();
        assertThat(attachmentsOf("pv-1")).as("still mounted on node-1").extracting(va -> va.path("spec").path("nodeName").asText())
                .containsExactly("node-1");
        usesVolumes("node-1");
        work();
        assertThat(attachmentsOf("pv-1")).extracting(va -> va.path("spec").path("nodeName").asText()).containsExactly("node-2");
        flushEvents("web-1");
        assertThat(eventsOf("web-1", "FailedAttachVolume")).as("refused once, however often synced").hasSize(1);
    }

    @Test
    void readWriteManyVolumeIsAttachedToEveryNodeThatNeedsIt() {
        node("node-1");
        node("node-2");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteMany");
        pod("web-0", "node-1", "data");
        pod("web-1", "node-2", "data");
        work();
        assertThat(attachmentsOf("pv-1")).extracting(va -> va.path("spec").path("nodeName").asText()).containsExactly("node-1", "node-2");
    }

    @Test
    void detachesOnlyOnceTheNodeNoLongerListsTheVolumeInUse() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        ObjectNode pod = pod("web-0", "node-1", "data");
        work();
        usesVolumes("node-1", "kubernetes.io/csi/block.pier.dev^vol-1");

        // deleting a pod on a node only marks it: its containers still have the volume
        api.resource("", "pods").delete("default", "web-0", DeleteOptions.defaults());
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).as("pod terminating").isNotNull();

        gone(pod);
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).as("pod gone, volume still in use").isNotNull();

        usesVolumes("node-1");
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).as("volume no longer in use").isNull();
    }

    @Test
    void detachesWhenTheNodeIsDeleted() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        ObjectNode pod = pod("web-0", "node-1", "data");
        work();
        usesVolumes("node-1", "kubernetes.io/csi/block.pier.dev^vol-1");
        gone(pod);
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).isNotNull();

        api.resource("", "nodes").delete("", "node-1", DeleteOptions.defaults());
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).isNull();
    }

    @Test
    void detachesFromANodeNotReadyForSixMinutesEvenWhileItListsTheVolume() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        ObjectNode pod = pod("web-0", "node-1", "data");
        work();
        usesVolumes("node-1", "kubernetes.io/csi/block.pier.dev^vol-1");
        gone(pod);
        ready("node-1", "False", TestApi.START.minus(Duration.ofMinutes(2)));
        work();
        assertThat(attachment(VOL_1_ON_NODE_1)).isNotNull();
        assertThat(controller.sync(new AttachDetachKey.Volume(TestApi.CELL, "pv-1")).requeueAfter())
                .as("looks again when the six minutes are up").isEqualTo(Duration.ofMinutes(4));

        api.clock.advance(Duration.ofMinutes(4));
        Result result = controller.sync(new AttachDetachKey.Volume(TestApi.CELL, "pv-1"));
        api.settle();
        assertThat(result.requeueAfter()).isNull();
        assertThat(attachment(VOL_1_ON_NODE_1)).isNull();
    }

    @Test
    void attachedVolumesAreListedOnTheNodeAndAnnouncedToTheirPods() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        pod("web-0", "node-1", "data");
        work();
        assertThat(api.resource("", "nodes").get("", "node-1").path("status").has("volumesAttached")).isFalse();

        attacherReports(VOL_1_ON_NODE_1, "{attached: true, attachmentMetadata: {devicePath: /dev/loop7}}");
        work();
        JsonNode status = api.resource("", "nodes").get("", "node-1").path("status");
        assertThat(status.path("volumesAttached")).isEqualTo(yaml("list: [{name: 'kubernetes.io/csi/block.pier.dev^vol-1', devicePath: ''}]").get("list"));
        assertThat(status.path("conditions").path(0).path("type").asText()).as("the rest of the status is the agent's").isEqualTo("Ready");
        JsonNode attached = awaitEvent("web-0", "SuccessfulAttachVolume");
        assertThat(attached.path("type").asText()).isEqualTo("Normal");
        assertThat(attached.path("message").asText()).isEqualTo("AttachVolume.Attach succeeded for volume \"pv-1\"");

        // the attachment goes: so does its entry
        api.resource("storage.k8s.io", "volumeattachments").delete("", VOL_1_ON_NODE_1, DeleteOptions.defaults());
        api.settle();
        controller.sync(new AttachDetachKey.Node(TestApi.CELL, "node-1"));
        api.settle();
        assertThat(api.resource("", "nodes").get("", "node-1").path("status").has("volumesAttached")).isFalse();
    }

    @Test
    void attachErrorIsReportedOnceToThePod() {
        node("node-1");
        boundVolume("pv-1", "vol-1", "data", "ReadWriteOnce");
        pod("web-0", "node-1", "data");
        work();
        attacherReports(VOL_1_ON_NODE_1, "{attached: false, attachError: {time: '2025-03-14T10:00:00Z', message: no free loop device}}");
        work();
        JsonNode failed = awaitEvent("web-0", "FailedAttachVolume");
        assertThat(failed.path("type").asText()).isEqualTo("Warning");
        assertThat(failed.path("message").asText()).isEqualTo("AttachVolume.Attach failed for volume \"pv-1\" : no free loop device");

        // the same error seen again is not a new event
        controller.sync(new AttachDetachKey.Volume(TestApi.CELL, "pv-1"));
        flushEvents("web-0");
        assertThat(eventsOf("web-0", "FailedAttachVolume")).hasSize(1);
    }

    // ------------------------------------------------------------------ the worker

    /** Syncs queued keys until the queue is empty, as the controller's workers would. */
    private void work() {
        for (int i = 0; i < 200; i++) {
            api.settle(); // every handler has run, so every key the last writes make stale is queued
            if (queue.depth() == 0) return;
            AttachDetachKey key;
            try {
                key = queue.take();
                controller.sync(key);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            queue.done(key);
        }
        fail("the queue did not empty: a sync keeps requeueing itself");
    }

    // ------------------------------------------------------------------ the other parts, played by the test

    private void node(String name) {
        ObjectNode node = api.resource("", "nodes").create("", yaml("apiVersion: v1\nkind: Node\nmetadata: {name: %s}".formatted(name)));
        node.putObject("status").putArray("conditions").addObject()
                .put("type", "Ready").put("status", "True").put("lastTransitionTime", TestApi.START.toString());
        api.resource("", "nodes").updateStatus(node);
        api.settle();
    }

    private void ready(String node, String status, Instant since) {
        ObjectNode n = api.resource("", "nodes").get("", node);
        ObjectNode ready = (ObjectNode) n.withObject("status").withArray("conditions").get(0);
        ready.put("status", status).put("lastTransitionTime", since.toString());
        api.resource("", "nodes").updateStatus(n);
        api.settle();
    }

    /** The node agent's {@code volumesInUse}. */
    private void usesVolumes(String node, String... uniqueNames) {
        ObjectNode n = api.resource("", "nodes").get("", node);
        var list = n.withObject("status").putArray("volumesInUse");
        for (String u : uniqueNames) list.add(u);
        api.resource("", "nodes").updateStatus(n);
        api.settle();
    }

    /** A PV of the driver bound to a new claim, as the PV binder leaves them. */
    private void boundVolume(String pv, String handle, String claimName, String accessMode) {
        ObjectNode claim = api.create("", "persistentvolumeclaims", yaml("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: %s}
                spec: {accessModes: [%s], storageClassName: "", resources: {requests: {storage: 1Gi}}}
                """.formatted(claimName, accessMode)));
        createVolume(pv, handle, claim, accessMode);
        bind(claim, pv);
    }

    private void createVolume(String pv, String handle, ObjectNode claim, String accessMode) {
        api.resource("", "persistentvolumes").create("", yaml("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: %s}
                spec:
                  accessModes: [%s]
                  capacity: {storage: 1Gi}
                  storageClassName: ""
                  csi: {driver: %s, volumeHandle: %s}
                  claimRef: {kind: PersistentVolumeClaim, namespace: default, name: %s, uid: %s}
                """.formatted(pv, accessMode, DRIVER, handle, claim.path("metadata").path("name").asText(),
                claim.path("metadata").path("uid").asText())));
        api.settle();
    }

    private void bind(ObjectNode claim, String pv) {
        ResourceClient claims = api.resource("", "persistentvolumeclaims");
        ObjectNode next = claims.get("default", claim.path("metadata").path("name").asText());
        next.withObject("spec").put("volumeName", pv);
        next = claims.update(next);
        next.withObject("status").put("phase", "Bound");
        claims.updateStatus(next);
        api.settle();
    }

    private ObjectNode pod(String name, String node, String claim) {
        return api.create("", "pods", yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  %s
                  containers: [{name: c, image: nginx, volumeMounts: [{name: data, mountPath: /data}]}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: %s}}]
                """.formatted(name, node == null ? "" : "nodeName: " + node, claim)));
    }

    private void finish(ObjectNode pod) {
        ObjectNode next = api.resource("", "pods").get("default", pod.path("metadata").path("name").asText());
        next.withObject("status").put("phase", "Succeeded");
        api.resource("", "pods").updateStatus(next);
        api.settle();
    }

    /** The pod removed for good, as its kubelet does once its containers stopped. */
    private void gone(ObjectNode pod) {
        api.resource("", "pods").delete("default", pod.path("metadata").path("name").asText(), new DeleteOptions("", "", 0, "", false));
        api.settle();
    }

    private void attacherReports(String attachment, String status) {
        ResourceClient vas = api.resource("storage.k8s.io", "volumeattachments");
        ObjectNode va = vas.get("", attachment);
        va.set("status", yaml(status));
        vas.updateStatus(va);
        api.settle();
    }

    // ------------------------------------------------------------------ reading back

    private ObjectNode attachment(String name) {
        return api.resource("storage.k8s.io", "volumeattachments").find("", name).orElse(null);
    }

    private List<ObjectNode> attachmentsOf(String pv) {
        return attachments.listCell(TestApi.CELL).stream()
                .filter(va -> va.path("spec").path("source").path("persistentVolumeName").asText().equals(pv))
                .sorted(Comparator.comparing(va -> va.path("spec").path("nodeName").asText()))
                .toList();
    }

    private List<ObjectNode> eventsOf(String pod, String reason) {
        return events.list(TestApi.CELL, "default").stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals(pod) && e.path("reason").asText().equals(reason))
                .toList();
    }

    /** Events are written by the recorder's own thread: wait (bounded) for the first one of this reason. */
    private JsonNode awaitEvent(String pod, String reason) {
        return poll(() -> {
            List<ObjectNode> found = eventsOf(pod, reason);
            return found.isEmpty() ? null : found.getFirst();
        }, "event " + reason + " on pod " + pod);
    }

    /** Waits until every event recorded so far is written: the recorder writes in order, so a marker recorded now comes last. */
    private void flushEvents(String pod) {
        api.events.normal(TestApi.CELL, api.resource("", "pods").get("default", pod), "test", "Marker", "events flushed");
        awaitEvent(pod, "Marker");
    }

    private <T> T poll(Supplier<T> probe, String what) {
        return api.await(what, probe);
    }

    private static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
