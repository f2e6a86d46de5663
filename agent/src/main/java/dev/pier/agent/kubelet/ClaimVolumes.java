package dev.pier.agent.kubelet;

import dev.pier.agent.volume.BlockStager;
import dev.pier.agent.volume.ClaimResizes;
import dev.pier.agent.volume.CsiNames;
import dev.pier.agent.volume.FsGroupOwnership;
import dev.pier.agent.volume.MountTable;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's {@code persistentVolumeClaim} volumes on block storage (decision 018), the kubelet's CSI
 * volume plugin for {@code block.pier.dev}: from the claim to its PV, from the PV to its
 * VolumeAttachment, then the device is listed in the node's {@code volumesInUse}, staged once per
 * node on its global mount (formatted if blank, grown offline if the claim waits for it) and given to
 * the pod with its fsGroup applied. Containers bind-mount the global mount itself.
 *
 * <p>A volume is unstaged when no pod directory on the node names it any more ({@link
 * VolumeRecords}): pod directories go only after the pod's containers are gone, so a volume stays
 * mounted through a graceful deletion. After the unmount it leaves {@code volumesInUse}, which lets
 * the attach/detach controller detach it.
 *
 * <p>Staging and unstaging one PV never run at once (a lock per PV); a pod's record is written under
 * that lock before staging, so an unstage in between sees it.
 */
final class ClaimVolumes {
  private static final Logger log = LoggerFactory.getLogger(ClaimVolumes.class);
  private static final String DEFAULT_FS_TYPE = "ext4";

  private final StorageObjects api;
  private final AgentConfig config;
  private final VolumeRecords records;
  private final BlockStager stager;
  private final VolumesInUse inUse;
  private final VolumesInUse.Reporter reporter;
  private final AgentEvents events;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  ClaimVolumes(StorageObjects api, AgentConfig config, VolumeRecords records, BlockStager stager, VolumesInUse inUse,
      VolumesInUse.Reporter reporter, AgentEvents events) {
    this.api = api;
    this.config = config;
    this.records = records;
    this.stager = stager;
    this.inUse = inUse;
    this.reporter = reporter;
    this.events = events;
  }

  /**
   * The volumes a previous agent staged, read back from the node: they are in use until unstaged. Call
   * before the node's status is first written, or it would drop them from {@code volumesInUse}.
   */
  static void restore(VolumeRecords records, VolumesInUse inUse) throws IOException {
    for (String pv : records.stagedVolumes()) {
      var staged = records.staged(pv);
      if (staged.isPresent()) {
        inUse.add(staged.get().uniqueName());
        log.info("volume {} ({}) was staged by an earlier agent", pv, staged.get().volumeHandle());
      }
    }
  }

  /** Sets up the claim volume {@code v} of the pod; throws {@link VolumeNotReadyException} while it waits. */
  MountedVolume setUp(Pod pod, Volume v) throws VolumeException, IOException {
    String uid = pod.getMetadata().getUid();
    var ready = records.podVolume(uid, v.getName()).filter(VolumeRecords.PodVolume::setUp);
    if (ready.isPresent()) {
      Path global = records.globalMount(ready.get().specVolID());
      if (MountTable.read().at(global).isPresent()) return new MountedVolume(global, ready.get().readOnly());
    }
    Resolved r = resolve(pod, v);
    ReentrantLock lock = lock(r.pvName());
    lock.lock();
    try {
      return setUp(pod, v, r);
    } finally {
      lock.unlock();
    }
  }

  /** The claim, its PV and the device the attachment gives, or why the pod has to wait. */
  private record Resolved(PersistentVolumeClaim claim, PersistentVolume pv, String pvName, String handle, String fsType,
      boolean readOnly, String attachment, Path device) {}

  private Resolved resolve(Pod pod, Volume v) throws VolumeException {
    String namespace = pod.getMetadata().getNamespace();
    String claimName = v.getPersistentVolumeClaim().getClaimName();
    String claimRef = namespace + "/" + claimName;
    PersistentVolumeClaim claim = api.claim(namespace, claimName);
    if (claim == null) {
      throw VolumeNotReadyException.waiting(v.getName(), "persistentvolumeclaim \"" + claimName + "\" not found", false);
    }
    if (claim.getMetadata().getDeletionTimestamp() != null) {
      throw new VolumeException("error processing PVC " + claimRef + ": PVC is being deleted");
    }
    String pvName = claim.getSpec().getVolumeName();
    String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
    if (!"Bound".equals(phase) || pvName == null || pvName.isEmpty()) {
      throw VolumeNotReadyException.waiting(v.getName(), "error processing PVC " + claimRef + ": PVC is not bound", false);
    }
    PersistentVolume pv = api.volume(pvName);
    if (pv == null) {
      throw VolumeNotReadyException.waiting(v.getName(), "persistentvolume \"" + pvName + "\" not found", false);
    }
    var ref = pv.getSpec().getClaimRef();
    if (ref == null || !claim.getMetadata().getUid().equals(ref.getUid())) {
      throw VolumeNotReadyException.waiting(v.getName(), "persistentvolume \"" + pvName + "\" is not bound to claim " + claimRef, false);
    }
    var csi = pv.getSpec().getCsi();
    if (csi == null || !CsiNames.DRIVER.equals(csi.getDriver())) {
      throw new VolumeException("MountVolume.SetUp failed for volume \"" + pvName + "\" : Pier's agent mounts only CSI volumes of driver "
          + CsiNames.DRIVER + (csi == null ? "" : ", not " + csi.getDriver()));
    }
    String fsType = csi.getFsType() == null || csi.getFsType().isEmpty() ? DEFAULT_FS_TYPE : csi.getFsType();
    if (!fsType.equals("ext4") && !fsType.equals("xfs")) {
      throw new VolumeException("MountVolume.MountDevice failed for volume \"" + pvName + "\" : fsType \"" + fsType + "\" is not supported (ext4, xfs)");
    }
    String attachment = CsiNames.attachmentName(csi.getVolumeHandle(), CsiNames.DRIVER, config.nodeName());
    VolumeAttachment va = api.attachment(attachment);
    var status = va == null ? null : va.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAttached())) {
      if (status != null && status.getAttachError() != null && status.getAttachError().getMessage() != null) {
        throw new VolumeException("AttachVolume.Attach failed for volume \"" + pvName + "\" : " + status.getAttachError().getMessage());
      }
      throw VolumeNotReadyException.waiting(v.getName(), "volume " + pvName + " is not attached yet (VolumeAttachment " + attachment + ")", false);
    }
    String devicePath = status.getAttachmentMetadata() == null ? null : status.getAttachmentMetadata().get("devicePath");
    if (devicePath == null || devicePath.isEmpty()) {
      throw new VolumeException("MountVolume.WaitForAttach failed for volume \"" + pvName + "\" : VolumeAttachment " + attachment
          + " has no devicePath in its attachmentMetadata");
    }
    boolean readOnly = Boolean.TRUE.equals(v.getPersistentVolumeClaim().getReadOnly()) || Boolean.TRUE.equals(csi.getReadOnly());
    return new Resolved(claim, pv, pvName, csi.getVolumeHandle(), fsType, readOnly, attachment, Path.of(devicePath));
  }

  private MountedVolume setUp(Pod pod, Volume v, Resolved r) throws VolumeException, IOException {
    String uid = pod.getMetadata().getUid();
    var podVolume = new VolumeRecords.PodVolume(r.pvName(), r.handle(), CsiNames.DRIVER, config.nodeName(), r.attachment(),
        r.readOnly(), false);
    records.writePodVolume(uid, v.getName(), podVolume);
    var staged = new VolumeRecords.Staged(r.pvName(), r.handle(), CsiNames.DRIVER);
    records.writeStaged(staged);
    inUse.add(staged.uniqueName());
    try {
      reporter.reportVolumesInUse();
    } catch (RuntimeException e) {
      throw VolumeNotReadyException.waiting(v.getName(), "cannot list volume " + r.pvName() + " in the node's volumesInUse: " + e.getMessage(), true);
    }

    Path global = records.globalMount(r.pvName());
    boolean growRequested = ClaimResizes.fileSystemResizePending(r.claim());
    BlockStager.StageResult result;
    try {
      result = stager.stage(new BlockStager.StageRequest(r.device(), global, r.fsType(), growRequested));
    } catch (IOException | IllegalArgumentException e) {
      throw new VolumeException("MountVolume.MountDevice failed for volume \"" + r.pvName() + "\" : " + e.getMessage(), e);
    }
    if (!result.alreadyStaged()) {
      log.info("volume {} of claim {}/{} staged from {} on {}{}{}", r.pvName(), pod.getMetadata().getNamespace(),
          r.claim().getMetadata().getName(), r.device(), global, result.formatted() ? " (formatted)" : "", result.grown() ? " (grown)" : "");
    }
    for (String warning : result.warnings()) {
      events.warning(pod, null, "VolumeResizeFailed", "MountVolume.NodeExpandVolume failed for volume \"" + r.pvName() + "\" : " + warning);
    }
    if (growRequested && result.grown()) finishResize(r);

    var securityContext = pod.getSpec().getSecurityContext();
    Long fsGroup = securityContext == null ? null : securityContext.getFsGroup();
    if (fsGroup != null && fsGroupApplies(r.pv())) {
      try {
        FsGroupOwnership.apply(global, fsGroup, securityContext.getFsGroupChangePolicy(), r.readOnly());
      } catch (IOException e) {
        throw new VolumeException("MountVolume.SetUp failed for volume \"" + r.pvName() + "\" : applyFSGroup failed for vol "
            + r.handle() + ": " + e.getMessage(), e);
      }
    }
    records.writePodVolume(uid, v.getName(), podVolume.ready());
    return new MountedVolume(global, r.readOnly());
  }

  /**
   * The driver's fsGroupPolicy, {@code ReadWriteOnceWithFSType}: ownership is changed only on volumes one
   * node writes, where no other node's pods could lose access by it.
   */
  private static boolean fsGroupApplies(PersistentVolume pv) {
    List<String> modes = pv.getSpec().getAccessModes() == null ? List.of() : pv.getSpec().getAccessModes();
    return modes.stream().allMatch(m -> m.equals("ReadWriteOnce") || m.equals("ReadWriteOncePod"));
  }

  /** The node's part of an expansion is done: the claim gets its new capacity, as the kubelet reports it. */
  private void finishResize(Resolved r) {
    var capacity = r.pv().getSpec().getCapacity() == null ? null : r.pv().getSpec().getCapacity().get("storage");
    if (capacity == null) return;
    var claim = r.claim().getMetadata();
    try {
      api.patchClaimStatus(claim.getNamespace(), claim.getName(), ClaimResizes.finishedPatch(r.claim(), capacity));
      log.info("file system of claim {}/{} grown to {}", claim.getNamespace(), claim.getName(), capacity);
    } catch (KubernetesClientException e) {
      log.warn("cannot record the grown capacity of claim {}/{}: {}", claim.getNamespace(), claim.getName(), e.getMessage());
    }
  }

  /** The pod's containers are gone and it keeps no volume: forget its claims and unstage what nothing uses. */
  void releasePod(String podUid) {
    try {
      records.removePodVolumes(podUid);
    } catch (IOException e) {
      log.warn("cannot forget the volumes of pod {}: {}", podUid, e.getMessage());
      return;
    }
    releaseUnused();
  }

  /**
   * Unstages every volume no pod directory on the node names, then drops it from {@code volumesInUse}.
   * A volume that cannot be unmounted stays listed and is tried again on the next call.
   */
  void releaseUnused() {
    List<String> staged;
    try {
      staged = records.stagedVolumes();
      if (staged.isEmpty()) return;
      Set<String> used = records.volumesOfPods();
      staged = staged.stream().filter(pv -> !used.contains(pv)).toList();
    } catch (IOException e) {
      log.warn("cannot read the node's volumes: {}", e.getMessage());
      return;
    }
    boolean released = false;
    for (String pv : staged) {
      ReentrantLock lock = lock(pv);
      lock.lock();
      try {
        // a pod may have claimed it since the look above; its record is written under this lock
        if (records.volumesOfPods().contains(pv)) continue;
        var record = records.staged(pv);
        stager.unstage(records.globalMount(pv));
        records.removeStaged(pv);
        record.ifPresent(s -> inUse.remove(s.uniqueName()));
        released = true;
        log.info("volume {} unstaged: no pod of the node uses it", pv);
      } catch (IOException e) {
        log.warn("cannot unstage volume {}: {}", pv, e.getMessage());
      } finally {
        lock.unlock();
      }
    }
    if (released) {
      try {
        reporter.reportVolumesInUse();
      } catch (RuntimeException e) {
        // the next periodic status write carries it
        log.debug("volumesInUse not written yet: {}", e.getMessage());
      }
    }
  }

  private ReentrantLock lock(String pv) {
    return locks.computeIfAbsent(pv, k -> new ReentrantLock());
  }
}
