package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** The API objects a claim volume is resolved through, and the one write the node makes to a claim. */
interface StorageObjects {
  /** The claim, or null. */
  PersistentVolumeClaim claim(String namespace, String name);

  /** The PersistentVolume, or null. */
  PersistentVolume volume(String name);

  /** The VolumeAttachment, or null. */
  VolumeAttachment attachment(String name);

  /** A JSON merge patch of the claim's status. */
  void patchClaimStatus(String namespace, String name, String mergePatch);

  static StorageObjects of(KubernetesClient client) {
    return new StorageObjects() {
      @Override
      public PersistentVolumeClaim claim(String namespace, String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
      }

      @Override
      public PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
      }

      @Override
      public VolumeAttachment attachment(String name) {
        return client.storage().v1().volumeAttachments().withName(name).get();
      }

      @Override
      public void patchClaimStatus(String namespace, String name, String mergePatch) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
      }
    };
  }
}
