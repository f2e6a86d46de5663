package dev.pier.cloud.storage;

import static dev.pier.cloud.storage.StorageApi.CELL;
import static dev.pier.cloud.storage.StorageApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.cloud.volume.LoopLeftovers;
import dev.pier.cloud.volume.LoopVolumeProvider;
import dev.pier.cloud.volume.Volume;
import dev.pier.cloud.volume.VolumeException;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage controllers' syncs, called step by step against a real in-process API and a real
 * loop volume provider. The PV controller, the scheduler and the attach/detach controller are not
 * here: the tests write what they would (the provisioner annotation, the selected node, the binding,
 * VolumeAttachments).
 */
class BlockStorageControllersTest {
  private static final long MIB = 1 << 20;

  @TempDir
  Path dir;
  private Path dataDir;
  private StorageApi api;
  private final List<WorkQueue<ObjectKey>> queues = new ArrayList<>();
  private final List<LoopVolumeProvider> providers = new ArrayList<>();
  private LoopVolumeProvider provider;
  private Informer namespaces;
  private Informer claims;
  private Informer volumes;
  private Informer classes;
  private Informer attachments;
  private DefaultStorageClass defaultClass;
  private ClaimProvisioner provisioner;
  private VolumeDeleter deleter;
  private VolumeAttacher attacher;
  private ClaimResizer resizer;

  @BeforeEach
  void start() throws Exception {
    dataDir = Files.createDirectories(dir.resolve("data"));
    api = new StorageApi(dir);
    provider = openProvider();
    namespaces = api.informer("", "v1", "namespaces");
    claims = api.informer("", "v1", "persistentvolumeclaims");
    volumes = api.informer("", "v1", "persistentvolumes");
    classes = api.informer("storage.k8s.io", "v1", "storageclasses");
    attachments = api.informer("storage.k8s.io", "v1", "volumeattachments");
    defaultClass = DefaultStorageClass.create(api.client, namespaces, classes, queue());
    provisioner = ClaimProvisioner.create(api.client, claims, volumes, classes, api.events, queue(), provider);
    deleter = VolumeDeleter.create(api.client, volumes, claims, api.events, queue(), provider);
    attacher = VolumeAttacher.create(api.client, attachments, volumes, queue(), provider, api.clock);
    resizer = ClaimResizer.create(api.client, claims, volumes, classes, api.events, queue(), provider, api.clock);
    api.start();
  }

  @AfterEach
  void stop() {
    queues.forEach(WorkQueue::close);
    providers.forEach(LoopVolumeProvider::close);
    api.close();
    assertThat(LoopLeftovers.detachAll(dir)).as("loop devices left by the test").isEmpty();
  }

  private LoopVolumeProvider openProvider() {
    var p = LoopVolumeProvider.open(dataDir);
    providers.add(p);
    return p;
  }

  private WorkQueue<ObjectKey> queue() {
    var q = new WorkQueue<ObjectKey>("test", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
    queues.add(q);
    return q;
  }

  // ------------------------------------------------------------------ the default class

  @Test
  void everyCellGetsTheStandardClassOnceAndAUserKeepsTheirEdits() {
    ObjectKey kubeSystem = new ObjectKey(CELL, "", "kube-system");
    defaultClass.sync(kubeSystem);
    api.settle();
    ObjectNode sc = classes.get(new ObjectKey(CELL, "", "standard")).orElseThrow();
    assertThat(sc.path("provisioner").asText()).isEqualTo("block.pier.dev");
    assertThat(sc.at("/metadata/annotations/storageclass.kubernetes.io~1is-default-class").asText()).isEqualTo("true");
    assertThat(sc.path("volumeBindingMode").asText()).isEqualTo("WaitForFirstConsumer");
    assertThat(sc.path("allowVolumeExpansion").asBoolean()).isTrue();
    assertThat(sc.path("reclaimPolicy").asText()).isEqualTo("Delete");
    assertThat(sc.at("/parameters/type").asText()).isEqualTo("standard");

    ObjectNode edited = sc.deepCopy();
    edited.withObject("metadata").withObject("annotations").put("storageclass.kubernetes.io/is-default-class", "false");
    api.resource("storage.k8s.io", "v1", "storageclasses").update(edited);
    api.resource("storage.k8s.io", "v1", "storageclasses").delete("", "standard", DeleteOptions.defaults());
    api.settle();
    defaultClass.sync(kubeSystem);
    api.settle();
    assertThat(classes.get(new ObjectKey(CELL, "", "standard"))).as("not made again in the same run").isEmpty();

    var restarted = DefaultStorageClass.create(api.client, namespaces, classes, queue());
    restarted.sync(kubeSystem);
    api.settle();
    assertThat(classes.get(new ObjectKey(CELL, "", "standard"))).as("back at the next start").isPresent();
  }

  // ------------------------------------------------------------------ provisioning, attaching, resizing, deleting

  @Test
  void provisionsAttachesAndDeletesAVolumeForAClaimWaitingForTheDetach() throws Exception {
    ensureDefaultClass();
    ObjectNode claim = claim("data", "1Gi");
    ObjectKey claimKey = new ObjectKey(CELL, "default", "data");
    provisioner.sync(claimKey);
    api.settle();
    assertThat(provider.list()).as("a WaitForFirstConsumer claim waits for its node").isEmpty();

    annotate(claim, BlockDriver.SELECTED_NODE, "node-1");
    provisioner.sync(claimKey);
    api.settle();
    String pvName = "pvc-" + claim.at("/metadata/uid").asText();
    ObjectNode pv = volumes.get(new ObjectKey(CELL, "", pvName)).orElseThrow();
    Volume volume = provider.list().getFirst();
    assertThat(volume.name()).isEqualTo(CELL + "/" + pvName);
    assertThat(volume.sizeBytes()).isEqualTo(1024 * MIB);
    assertThat(pv.at("/metadata/annotations/pv.kubernetes.io~1provisioned-by").asText()).isEqualTo("block.pier.dev");
    assertThat(pv.at("/metadata/finalizers").toString()).contains("external-provisioner.volume.kubernetes.io/finalizer");
    assertThat(pv.at("/spec/capacity/storage").asText()).isEqualTo("1Gi");
    assertThat(pv.at("/spec/accessModes/0").asText()).isEqualTo("ReadWriteOnce");
    assertThat(pv.at("/spec/persistentVolumeReclaimPolicy").asText()).isEqualTo("Delete");
    assertThat(pv.at("/spec/storageClassName").asText()).isEqualTo("standard");
    assertThat(pv.at("/spec/volumeMode").asText()).isEqualTo("Filesystem");
    assertThat(pv.at("/spec/claimRef/uid").asText()).isEqualTo(claim.at("/metadata/uid").asText());
    assertThat(pv.at("/spec/claimRef/kind").asText()).isEqualTo("PersistentVolumeClaim");
    assertThat(pv.at("/spec/csi/driver").asText()).isEqualTo("block.pier.dev");
    assertThat(pv.at("/spec/csi/volumeHandle").asText()).isEqualTo(volume.id());
    assertThat(pv.at("/spec/csi/fsType").asText()).isEqualTo("ext4");
    assertThat(pv.at("/spec/csi/volumeAttributes/type").asText()).isEqualTo("standard");
    assertThat(api.awaitEvent("data", "ProvisioningSucceeded")).containsSubsequence(
        "Normal Provisioning: External provisioner is provisioning volume for claim \"default/data\"",
        "Normal ProvisioningSucceeded: Successfully provisioned volume " + pvName);

    provisioner.sync(claimKey);
    assertThat(provider.list()).as("a second sync makes nothing new").hasSize(1);
    bind(claimKey, pvName);

    // attach, as the attach/detach controller asks
    ObjectNode va = api.resource("storage.k8s.io", "v1", "volumeattachments").create("", json("""
        apiVersion: storage.k8s.io/v1
        kind: VolumeAttachment
        metadata: {name: csi-test}
        spec: {attacher: block.pier.dev, nodeName: node-1, source: {persistentVolumeName: %s}}
        """.formatted(pvName)));
    ObjectKey vaKey = new ObjectKey(CELL, "", "csi-test");
    api.settle();
    assertThat(attacher.sync(vaKey).requeueAfter()).as("resynced to check the provider's truth").isEqualTo(VolumeAttacher.RESYNC);
    api.settle();
    va = attachments.get(vaKey).orElseThrow();
    String device = provider.get(volume.id()).orElseThrow().attachment().orElseThrow().devicePath();
    assertThat(va.at("/status/attached").asBoolean()).isTrue();
    assertThat(va.at("/status/attachmentMetadata/devicePath").asText()).isEqualTo(device);
    assertThat(va.at("/metadata/finalizers").toString()).contains("external-attacher/block-pier-dev");

    // the deleter waits while the volume is attached
    deleteClaim("data");
    api.settle();
    assertThatThrownBy(() -> deleter.sync(new ObjectKey(CELL, "", pvName)))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(VolumeException.Code.IN_USE));
    assertThat(api.awaitEvent(pvName, "VolumeFailedDelete")).anyMatch(e -> e.startsWith("Warning VolumeFailedDelete: volume " + volume.id()));
    assertThat(provider.get(volume.id())).isPresent();

    api.resource("storage.k8s.io", "v1", "volumeattachments").delete("", "csi-test", DeleteOptions.defaults());
    api.settle();
    attacher.sync(vaKey);
    api.settle();
    assertThat(attachments.get(vaKey)).as("gone once its finalizer is").isEmpty();
    assertThat(provider.get(volume.id()).orElseThrow().state()).isEqualTo(Volume.State.AVAILABLE);

    deleter.sync(new ObjectKey(CELL, "", pvName));
    api.settle();
    assertThat(provider.list()).isEmpty();
    // the PV is deleted; it goes once pv-protection's controller (not running here) lets it
    ObjectNode deleted = volumes.get(new ObjectKey(CELL, "", pvName)).orElseThrow();
    assertThat(deleted.at("/metadata/deletionTimestamp").isMissingNode()).isFalse();
    assertThat(deleted.at("/metadata/finalizers").toString()).doesNotContain(BlockDriver.PROVISIONER_FINALIZER);
  }

  @Test
  void growsTheVolumeOfABoundClaimAndLeavesTheFileSystemToTheNode() {
    ensureDefaultClass();
    ObjectKey claimKey = provisionAndBind("grow", "100M");
    String pvName = claims.get(claimKey).orElseThrow().at("/spec/volumeName").asText();
    Volume volume = provider.list().getFirst();
    assertThat(volume.sizeBytes()).as("100M rounded up to whole MiB").isEqualTo(96 * MIB);
    String device = provider.attach(volume.id(), "node-1").attachment().orElseThrow().devicePath();

    ObjectNode grown = claims.get(claimKey).orElseThrow().deepCopy();
    grown.withObject("spec").withObject("resources").withObject("requests").put("storage", "1536Mi");
    api.resource("", "v1", "persistentvolumeclaims").update(grown);
    api.settle();
    resizer.sync(claimKey);
    api.settle();

    assertThat(provider.get(volume.id()).orElseThrow().sizeBytes()).isEqualTo(1536 * MIB);
    assertThat(volumes.get(new ObjectKey(CELL, "", pvName)).orElseThrow().at("/spec/capacity/storage").asText()).isEqualTo("1536Mi");
    JsonNode status = claims.get(claimKey).orElseThrow().path("status");
    assertThat(status.at("/allocatedResources/storage").asText()).isEqualTo("1536Mi");
    assertThat(status.at("/allocatedResourceStatuses/storage").asText()).isEqualTo("NodeResizePending");
    assertThat(status.path("conditions")).hasSize(1);
    assertThat(status.at("/conditions/0/type").asText()).isEqualTo("FileSystemResizePending");
    assertThat(status.at("/conditions/0/status").asText()).isEqualTo("True");
    assertThat(status.at("/conditions/0/message").asText())
        .isEqualTo("Waiting for user to (re-)start a pod to finish file system resize of volume on node.");
    assertThat(api.awaitEvent("grow", "FileSystemResizeRequired")).containsSubsequence(
        "Normal Resizing: External resizer is resizing volume " + pvName,
        "Normal FileSystemResizeRequired: Require file system resize of volume on node");
    assertThat(deviceSize(device)).as("the attached device sees it").isEqualTo(1536 * MIB);

    resizer.sync(claimKey);
    api.settle();
    assertThat(api.eventsAbout("grow")).as("nothing more to do").filteredOn(e -> e.contains("Resizing")).hasSize(1);
    provider.detach(volume.id(), "node-1");
  }

  @Test
  void reattachesAVolumeThatARestartLetGoOf() {
    ensureDefaultClass();
    ObjectKey claimKey = provisionAndBind("restart", "8Mi");
    String pvName = claims.get(claimKey).orElseThrow().at("/spec/volumeName").asText();
    api.resource("storage.k8s.io", "v1", "volumeattachments").create("", json("""
        apiVersion: storage.k8s.io/v1
        kind: VolumeAttachment
        metadata: {name: csi-restart}
        spec: {attacher: block.pier.dev, nodeName: node-2, source: {persistentVolumeName: %s}}
        """.formatted(pvName)));
    ObjectKey vaKey = new ObjectKey(CELL, "", "csi-restart");
    api.settle();
    attacher.sync(vaKey);
    api.settle();
    String volumeId = provider.list().getFirst().id();
    assertThat(attachments.get(vaKey).orElseThrow().at("/status/attached").asBoolean()).isTrue();

    // Pier stops (its provider lets go of the loop devices) and starts again
    provider.close();
    assertThat(LoopLeftovers.under(dir)).isEmpty();
    LoopVolumeProvider restarted = openProvider();
    assertThat(restarted.get(volumeId).orElseThrow().state()).isEqualTo(Volume.State.AVAILABLE);
    var newAttacher = VolumeAttacher.create(api.client, attachments, volumes, queue(), restarted, api.clock);
    newAttacher.sync(vaKey);
    api.settle();

    Volume volume = restarted.get(volumeId).orElseThrow();
    assertThat(volume.state()).isEqualTo(Volume.State.IN_USE);
    assertThat(volume.attachment().orElseThrow().machine()).isEqualTo("node-2");
    assertThat(attachments.get(vaKey).orElseThrow().at("/status/attachmentMetadata/devicePath").asText())
        .isEqualTo(volume.attachment().get().devicePath());
    restarted.detach(volumeId, "node-2");
  }

  @Test
  void aVolumeAttachedElsewhereIsAnAttachErrorAndRetried() {
    ensureDefaultClass();
    ObjectKey claimKey = provisionAndBind("busy", "4Mi");
    String pvName = claims.get(claimKey).orElseThrow().at("/spec/volumeName").asText();
    String volumeId = provider.list().getFirst().id();
    provider.attach(volumeId, "node-1");
    api.resource("storage.k8s.io", "v1", "volumeattachments").create("", json("""
        apiVersion: storage.k8s.io/v1
        kind: VolumeAttachment
        metadata: {name: csi-busy}
        spec: {attacher: block.pier.dev, nodeName: node-2, source: {persistentVolumeName: %s}}
        """.formatted(pvName)));
    ObjectKey vaKey = new ObjectKey(CELL, "", "csi-busy");
    api.settle();
    assertThatThrownBy(() -> attacher.sync(vaKey)).isInstanceOf(VolumeException.class);
    api.settle();
    JsonNode status = attachments.get(vaKey).orElseThrow().path("status");
    assertThat(status.path("attached").asBoolean()).isFalse();
    assertThat(status.at("/attachError/message").asText()).contains("attached to machine node-1");
    assertThat(status.at("/attachError/time").asText()).isNotEmpty();

    provider.detach(volumeId, "node-1");
    attacher.sync(vaKey);
    api.settle();
    status = attachments.get(vaKey).orElseThrow().path("status");
    assertThat(status.path("attached").asBoolean()).isTrue();
    assertThat(status.has("attachError")).as("cleared once attached").isFalse();
    provider.detach(volumeId, "node-2");
  }

  @Test
  void keepsTheVolumeOfARetainedVolume() {
    api.resource("storage.k8s.io", "v1", "storageclasses").create("", json("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: keep}
        provisioner: block.pier.dev
        reclaimPolicy: Retain
        volumeBindingMode: Immediate
        parameters: {type: fast, fsType: xfs}
        """));
    api.settle();
    ObjectNode claim = claim("kept", "2Mi", "keep");
    ObjectKey claimKey = new ObjectKey(CELL, "default", "kept");
    provisioner.sync(claimKey);
    api.settle();
    String pvName = "pvc-" + claim.at("/metadata/uid").asText();
    ObjectNode pv = volumes.get(new ObjectKey(CELL, "", pvName)).orElseThrow();
    assertThat(pv.at("/spec/persistentVolumeReclaimPolicy").asText()).isEqualTo("Retain");
    assertThat(pv.at("/spec/csi/fsType").asText()).isEqualTo("xfs");
    assertThat(provider.list().getFirst().type()).isEqualTo("fast");

    deleteClaim("kept");
    api.settle();
    deleter.sync(new ObjectKey(CELL, "", pvName));
    api.settle();
    assertThat(volumes.get(new ObjectKey(CELL, "", pvName))).isPresent();

    api.resource("", "v1", "persistentvolumes").delete("", pvName, DeleteOptions.defaults());
    api.settle();
    deleter.sync(new ObjectKey(CELL, "", pvName));
    api.settle();
    // the provisioner's finalizer is taken off; pv-protection's is the protection controller's (not running here)
    assertThat(volumes.get(new ObjectKey(CELL, "", pvName)).orElseThrow().at("/metadata/finalizers").toString())
        .doesNotContain(BlockDriver.PROVISIONER_FINALIZER);
    assertThat(provider.list()).as("the volume stays, as Retain asks").hasSize(1);
  }

  @Test
  void aClaimOfAMissingClassIsAWarningAndRetried() {
    claim("lost", "1Mi", "nowhere");
    assertThatThrownBy(() -> provisioner.sync(new ObjectKey(CELL, "default", "lost"))).isInstanceOf(IllegalStateException.class);
    assertThat(api.awaitEvent("lost", "ProvisioningFailed"))
        .contains("Warning ProvisioningFailed: storageclass.storage.k8s.io \"nowhere\" not found");
    assertThat(provider.list()).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  /** Deletes a claim as a user does, and lets it go as the pvc-protection controller (not running here) would. */
  private void deleteClaim(String name) {
    var claims = api.resource("", "v1", "persistentvolumeclaims");
    claims.delete("default", name, DeleteOptions.defaults());
    ObjectNode deleting = claims.get("default", name);
    deleting.withObject("/metadata").putArray("finalizers");
    claims.update(deleting);
    api.settle();
  }

  private void ensureDefaultClass() {
    defaultClass.sync(new ObjectKey(CELL, "", "kube-system"));
    api.settle();
  }

  private ObjectNode claim(String name, String size) {
    return claim(name, size, "standard");
  }

  /** A claim handed to our provisioner, as the PV controller marks it. */
  private ObjectNode claim(String name, String size, String className) {
    ObjectNode created = api.resource("", "v1", "persistentvolumeclaims").create("default", json("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: %s
          annotations: {volume.kubernetes.io/storage-provisioner: block.pier.dev}
        spec:
          storageClassName: %s
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: %s}}
        """.formatted(name, className, size)));
    api.settle();
    return created;
  }

  private void annotate(ObjectNode claim, String annotation, String value) {
    ObjectNode next = api.resource("", "v1", "persistentvolumeclaims").get("default", claim.at("/metadata/name").asText()).deepCopy();
    next.withObject("metadata").withObject("annotations").put(annotation, value);
    api.resource("", "v1", "persistentvolumeclaims").update(next);
    api.settle();
  }

  private ObjectKey provisionAndBind(String name, String size) {
    ObjectNode claim = claim(name, size);
    annotate(claim, BlockDriver.SELECTED_NODE, "node-1");
    ObjectKey key = new ObjectKey(CELL, "default", name);
    provisioner.sync(key);
    api.settle();
    bind(key, "pvc-" + claim.at("/metadata/uid").asText());
    return key;
  }

  /** What the PV controller does once the PV exists: both sides Bound. */
  private void bind(ObjectKey claimKey, String pvName) {
    var pvcs = api.resource("", "v1", "persistentvolumeclaims");
    ObjectNode claim = pvcs.get(claimKey.namespace(), claimKey.name()).deepCopy();
    claim.withObject("spec").put("volumeName", pvName);
    claim = pvcs.update(claim).deepCopy();
    claim.withObject("status").put("phase", "Bound");
    pvcs.updateStatus(claim);
    var pvs = api.resource("", "v1", "persistentvolumes");
    ObjectNode pv = pvs.get("", pvName).deepCopy();
    pv.withObject("status").put("phase", "Bound");
    pvs.updateStatus(pv);
    api.settle();
  }

  private static long deviceSize(String device) {
    try {
      return Long.parseLong(Files.readString(Path.of("/sys/block", Path.of(device).getFileName().toString(), "size")).strip()) * 512;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
