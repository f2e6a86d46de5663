package dev.pier.cloud.storage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The names Pier's block storage is known by in the API (decision 018): one driver name for the
 * StorageClass provisioner, the PV's CSI driver, the VolumeAttachment's attacher and the CSINode
 * driver, and the annotations and finalizers the Kubernetes sidecars (external-provisioner,
 * external-attacher, external-resizer) use, so that objects read as with any CSI driver.
 */
final class BlockDriver {
  static final String NAME = "block.pier.dev";

  /** Set on a claim by the PV controller: which provisioner is to make its volume. */
  static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
  /** The same, as Kubernetes before 1.23 wrote it; still read by the external-provisioner. */
  static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
  /** Set on a claim of a WaitForFirstConsumer class by the scheduler: the node its first pod goes to. */
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  /** Keeps a provisioned PV until its volume is deleted. */
  static final String PROVISIONER_FINALIZER = "external-provisioner.volume.kubernetes.io/finalizer";
  /** Keeps a VolumeAttachment until its volume is detached (the external-attacher's, with the driver's dots as dashes). */
  static final String ATTACHER_FINALIZER = "external-attacher/block-pier-dev";
  /**
   * The volume handle a VolumeAttachment was attached with, kept on it so that it can be detached
   * even if its PersistentVolume is gone by then.
   */
  static final String VOLUME_HANDLE_ANNOTATION = "block.pier.dev/volume-handle";
  static final String DEFAULT_FS_TYPE = "ext4";
  static final String DEFAULT_TYPE = "standard";

  private BlockDriver() {}

  /** Whether a PersistentVolume's volume is one of ours. */
  static boolean isOurVolume(JsonNode pv) {
    return pv.path("spec").path("csi").path("driver").asText().equals(NAME);
  }

  static String volumeHandle(JsonNode pv) {
    return pv.path("spec").path("csi").path("volumeHandle").asText();
  }
}
