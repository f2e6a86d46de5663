package dev.pier.cloud.storage;

import dev.pier.cloud.volume.VolumeProvider;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;

/**
 * Adds the block storage controllers of every cell to a controller manager (sharing its informers
 * and event recorder), driving one {@link VolumeProvider} (decision 018): the default StorageClass,
 * and what Kubernetes runs as a CSI driver's sidecars: the provisioner (and its deleter), the
 * attacher and the resizer. Call before {@link ControllerManager#start}; the caller owns the
 * provider and closes it after the manager, and after the machines are stopped.
 */
public final class BlockStorageSetup {
  /** The driver's name: StorageClass provisioner, PV {@code csi.driver}, VolumeAttachment attacher. */
  public static final String DRIVER = BlockDriver.NAME;

  private BlockStorageSetup() {}

  public static void register(ControllerManager manager, VolumeProvider provider) {
    Informer namespaces = manager.informer("", "v1", "namespaces");
    Informer claims = manager.informer("", "v1", "persistentvolumeclaims");
    Informer volumes = manager.informer("", "v1", "persistentvolumes");
    Informer classes = manager.informer("storage.k8s.io", "v1", "storageclasses");
    Informer attachments = manager.informer("storage.k8s.io", "v1", "volumeattachments");

    WorkQueue<ObjectKey> classQueue = manager.queue("default_storage_class");
    manager.add("default-storageclass", classQueue,
        DefaultStorageClass.create(manager.client("pier-storage-addon"), namespaces, classes, classQueue), 1);

    // field managers as the sidecars write, so managedFields read as with any CSI driver
    WorkQueue<ObjectKey> provisionQueue = manager.queue("csi_provisioner_claims");
    manager.add("csi-provisioner", provisionQueue, ClaimProvisioner.create(manager.client("csi-provisioner"), claims, volumes, classes,
        manager.events(), provisionQueue, provider), 2);
    WorkQueue<ObjectKey> deleteQueue = manager.queue("csi_provisioner_volumes");
    manager.add("csi-provisioner-deleter", deleteQueue,
        VolumeDeleter.create(manager.client("csi-provisioner"), volumes, claims, manager.events(), deleteQueue, provider), 1);
    WorkQueue<ObjectKey> attachQueue = manager.queue("csi_attacher");
    // two workers: one node's slow attach must not hold up another's
    manager.add("csi-attacher", attachQueue,
        VolumeAttacher.create(manager.client("csi-attacher"), attachments, volumes, attachQueue, provider, manager.clock()), 2);
    WorkQueue<ObjectKey> resizeQueue = manager.queue("csi_resizer");
    manager.add("csi-resizer", resizeQueue, ClaimResizer.create(manager.client("csi-resizer"), claims, volumes, classes, manager.events(),
        resizeQueue, provider, manager.clock()), 1);
  }
}
