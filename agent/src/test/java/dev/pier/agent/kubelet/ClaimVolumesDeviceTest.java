package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pier.agent.volume.BlockStager;
import dev.pier.agent.volume.CsiNames;
import dev.pier.agent.volume.MountTable;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim volume from API objects shaped as decision 018 has them (the provisioner's PV, the attacher's
 * VolumeAttachment) to a mounted loop device and back: the test plays the API server and the attacher.
 */
class ClaimVolumesDeviceTest {
  private static final String NODE = "node-1";
  private static final String HANDLE = "cell-a/pvc-c1";
  private static final String PV = "pvc-c1";

  @TempDir Path dir;
  private Path backing;
  private String loop;
  private final FakeObjects api = new FakeObjects();
  private final VolumesInUse inUse = new VolumesInUse();
  private final List<List<String>> reported = new ArrayList<>();
  private KubernetesClient unusedClient;
  private AgentEvents events;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "loop devices and mounts need root");
    backing = dir.resolve("volume.img");
    run("truncate", "-s", "64M", backing.toString());
    loop = run("losetup", "-f", "--show", backing.toString()).trim();
    // events go nowhere: only loopback, and nothing listens there
    unusedClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build();
    events = new AgentEvents(unusedClient, NODE, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws IOException {
    if (events != null) events.close();
    if (unusedClient != null) unusedClient.close();
    try {
      for (MountTable.Entry e : MountTable.read().under(dir).reversed()) run("umount", e.mountPoint().toString());
    } finally {
      if (loop != null) run("losetup", "-d", loop);
    }
    assertThat(MountTable.read().under(dir)).as("mounts left").isEmpty();
    assertThat(run("losetup", "-a")).doesNotContain(dir.toString());
  }

  private AgentConfig config() {
    return new AgentConfig(NODE, "10.250.0.2", "10.150.1.0/24", "10.150.0.0/16", "10.96.0.0/12", dir.resolve("sock"), dir.resolve("agent"),
        dir.resolve("kubeconfig"), "/kubepods", Map.of(), 110, 32, Duration.ofSeconds(10),
        AgentConfig.imageGcPolicy(85, 80, "registry.k8s.io/pause:3.9"), List.of(), "cluster.local", dir.resolve("resolv.conf"));
  }

  private ClaimVolumes claims(VolumesInUse volumes) {
    return new ClaimVolumes(api, config(), new VolumeRecords(config()), new BlockStager(), volumes,
        () -> reported.add(volumes.names()), events);
  }

  @Test
  void waitsForBindingAndAttachmentThenStagesOnceAndUnstagesWhenThePodIsGone() throws Exception {
    ClaimVolumes claims = claims(inUse);
    Pod pod = pod("p-1");
    api.claims.put("data", claim("Pending", null, "64Mi"));
    assertThatThrownBy(() -> claims.setUp(pod, pod.getSpec().getVolumes().get(0)))
        .isInstanceOfSatisfying(VolumeNotReadyException.class, e -> assertThat(e.unattached()).containsExactly("data"))
        .hasMessageContaining("PVC is not bound");

    api.claims.put("data", claim("Bound", PV, "64Mi"));
    api.volumes.put(PV, volume("64Mi"));
    assertThatThrownBy(() -> claims.setUp(pod, pod.getSpec().getVolumes().get(0)))
        .isInstanceOf(VolumeNotReadyException.class).hasMessageContaining("not attached yet");
    assertThat(MountTable.read().under(dir)).isEmpty();

    api.attachments.put(CsiNames.attachmentName(HANDLE, CsiNames.DRIVER, NODE), attachment());
    MountedVolume mounted = claims.setUp(pod, pod.getSpec().getVolumes().get(0));
    Path global = dir.resolve("agent/plugins/block.pier.dev/" + PV + "/globalmount");
    assertThat(mounted).isEqualTo(new MountedVolume(global, false));
    assertThat(MountTable.read().at(global)).hasValueSatisfying(e -> assertThat(e.source()).isEqualTo(loop));
    assertThat(reported).containsExactly(List.of("kubernetes.io/csi/block.pier.dev^" + HANDLE));
    assertThat((Integer) Files.getAttribute(global, "unix:gid")).as("fsGroup").isEqualTo(2000);
    Files.writeString(global.resolve("kept.txt"), "kept");

    // a restarted agent: the volume is in use from the mount table alone, and a pod's sync needs no API object
    VolumesInUse restarted = new VolumesInUse();
    ClaimVolumes.restore(new VolumeRecords(config()), restarted);
    assertThat(restarted.names()).containsExactly("kubernetes.io/csi/block.pier.dev^" + HANDLE);
    ClaimVolumes again = claims(restarted);
    api.claims.clear();
    assertThat(again.setUp(pod, pod.getSpec().getVolumes().get(0))).isEqualTo(mounted);
    again.releaseUnused();
    assertThat(MountTable.read().at(global)).as("the pod still uses it").isPresent();

    again.releasePod("p-1");
    assertThat(MountTable.read().at(global)).isEmpty();
    assertThat(global.getParent()).doesNotExist();
    assertThat(restarted.names()).isEmpty();
    assertThat(reported.getLast()).isEmpty();
  }

  @Test
  void growsTheFileSystemOfflineWhenTheClaimWaitsForItAndRecordsTheNewCapacity() throws Exception {
    api.claims.put("data", claim("Bound", PV, "64Mi"));
    api.volumes.put(PV, volume("64Mi"));
    api.attachments.put(CsiNames.attachmentName(HANDLE, CsiNames.DRIVER, NODE), attachment());
    ClaimVolumes claims = claims(inUse);
    Path global = claims.setUp(pod("p-1"), pod("p-1").getSpec().getVolumes().get(0)).path();
    long before = Files.getFileStore(global).getTotalSpace();
    claims.releasePod("p-1");

    // the resizer's part, played here: a bigger volume, the PV's capacity, the claim marked
    run("truncate", "-s", "128M", backing.toString());
    run("losetup", "-c", loop);
    api.volumes.put(PV, volume("128Mi"));
    PersistentVolumeClaim pending = claim("Bound", PV, "64Mi");
    pending.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimConditionBuilder()
        .withType("FileSystemResizePending").withStatus("True").build());
    api.claims.put("data", pending);

    Path again = claims.setUp(pod("p-2"), pod("p-2").getSpec().getVolumes().get(0)).path();
    assertThat(Files.getFileStore(again).getTotalSpace()).isGreaterThan(before + (50L << 20));
    assertThat(api.claimPatches).singleElement().asString().contains("\"storage\":\"128Mi\"").contains("\"conditions\":null");
    claims.releasePod("p-2");
    assertThat(MountTable.read().at(again)).isEmpty();
  }

  private static Pod pod(String uid) {
    return new PodBuilder().withNewMetadata().withName("web-" + uid).withNamespace("shop").withUid(uid).endMetadata()
        .withNewSpec().withNewSecurityContext().withFsGroup(2000L).endSecurityContext()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("data").endPersistentVolumeClaim().endVolume()
        .addNewContainer().withName("c").withImage("busybox").addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .endContainer().endSpec().build();
  }

  private static PersistentVolumeClaim claim(String phase, String volumeName, String capacity) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data").withNamespace("shop").withUid("c1").endMetadata()
        .withNewSpec().withStorageClassName("standard").withAccessModes("ReadWriteOnce").withVolumeName(volumeName)
        .withNewResources().addToRequests("storage", new Quantity(capacity)).endResources().endSpec()
        .withNewStatus().withPhase(phase).addToCapacity("storage", new Quantity(capacity)).withConditions(new ArrayList<>()).endStatus()
        .build();
  }

  /** As the provisioner creates it. */
  private static PersistentVolume volume(String capacity) {
    return new PersistentVolumeBuilder()
        .withNewMetadata().withName(PV).addToAnnotations("pv.kubernetes.io/provisioned-by", CsiNames.DRIVER)
        .addToFinalizers("external-provisioner.volume.kubernetes.io/finalizer").endMetadata()
        .withNewSpec().withStorageClassName("standard").withAccessModes("ReadWriteOnce").withPersistentVolumeReclaimPolicy("Delete")
        .addToCapacity("storage", new Quantity(capacity))
        .withNewClaimRef().withKind("PersistentVolumeClaim").withNamespace("shop").withName("data").withUid("c1").endClaimRef()
        .withNewCsi().withDriver(CsiNames.DRIVER).withVolumeHandle(HANDLE).withFsType("ext4").endCsi().endSpec()
        .withNewStatus().withPhase("Bound").endStatus()
        .build();
  }

  /** As the attach/detach controller creates it and the attacher marks it. */
  private VolumeAttachment attachment() {
    return new VolumeAttachmentBuilder()
        .withNewMetadata().withName(CsiNames.attachmentName(HANDLE, CsiNames.DRIVER, NODE))
        .addToFinalizers("external-attacher/block-pier-dev").endMetadata()
        .withNewSpec().withAttacher(CsiNames.DRIVER).withNodeName(NODE).withNewSource().withPersistentVolumeName(PV).endSource().endSpec()
        .withNewStatus().withAttached(true).addToAttachmentMetadata("devicePath", loop).endStatus()
        .build();
  }

  private static final class FakeObjects implements StorageObjects {
    final Map<String, PersistentVolumeClaim> claims = new HashMap<>();
    final Map<String, PersistentVolume> volumes = new HashMap<>();
    final Map<String, VolumeAttachment> attachments = new HashMap<>();
    final List<String> claimPatches = new ArrayList<>();

    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
      return namespace.equals("shop") ? claims.get(name) : null;
    }

    @Override
    public PersistentVolume volume(String name) {
      return volumes.get(name);
    }

    @Override
    public VolumeAttachment attachment(String name) {
      return attachments.get(name);
    }

    @Override
    public void patchClaimStatus(String namespace, String name, String mergePatch) {
      claimPatches.add(mergePatch);
    }
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + out);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
