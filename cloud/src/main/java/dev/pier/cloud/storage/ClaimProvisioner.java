package dev.pier.cloud.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.cloud.volume.Volume;
import dev.pier.cloud.volume.VolumeException;
import dev.pier.cloud.volume.VolumeProvider;
import dev.pier.cloud.volume.VolumeSpec;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external-provisioner's provisioning half for {@value BlockDriver#NAME}: makes a volume and
 * its PersistentVolume for each claim the PV controller hands to this driver.
 *
 * <p>A claim is ours when it carries {@value BlockDriver#STORAGE_PROVISIONER} with our name, has no
 * {@code spec.volumeName} yet, is not being deleted, and its class's provisioner is ours; a claim
 * of a WaitForFirstConsumer class waits for the scheduler's {@value BlockDriver#SELECTED_NODE}. The
 * volume is named {@code <cell>/pvc-<claim uid>} and the PV {@code pvc-<claim uid>}, so a retry after
 * any failure finds what the last attempt made (the provider's create is idempotent by name, and an
 * existing PV ends the work). The PV is pre-bound to the claim ({@code claimRef} with its uid); the
 * PV controller completes the binding.
 */
final class ClaimProvisioner implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(ClaimProvisioner.class);
  static final String COMPONENT = BlockDriver.NAME;
  /** The local provider's one zone; a provider with zones would pick the selected node's. */
  static final String ZONE = "local";

  private final LocalClient client;
  private final Informer claims;
  private final Informer volumes;
  private final Informer classes;
  private final EventRecorder events;
  private final VolumeProvider provider;

  private ClaimProvisioner(LocalClient client, Informer claims, Informer volumes, Informer classes, EventRecorder events,
      VolumeProvider provider) {
    this.client = client;
    this.claims = claims;
    this.volumes = volumes;
    this.classes = classes;
    this.events = events;
    this.provider = provider;
  }

  static ClaimProvisioner create(LocalClient client, Informer claims, Informer volumes, Informer classes, EventRecorder events,
      WorkQueue<ObjectKey> queue, VolumeProvider provider) {
    claims.addHandler(EventHandler.onChange((cell, claim) -> {
      if (waitsForUs(claim)) queue.add(ObjectKey.of(cell, claim));
    }));
    // a class made after its claims
    classes.addHandler(EventHandler.onChange((cell, sc) -> {
      String name = sc.path("metadata").path("name").asText();
      for (ObjectNode claim : claims.listCell(cell)) {
        if (waitsForUs(claim) && className(claim).equals(name)) queue.add(ObjectKey.of(cell, claim));
      }
    }));
    return new ClaimProvisioner(client, claims, volumes, classes, events, provider);
  }

  /** Handed to this driver and not provisioned yet. */
  static boolean waitsForUs(JsonNode claim) {
    JsonNode annotations = claim.path("metadata").path("annotations");
    String provisioner = annotations.path(BlockDriver.STORAGE_PROVISIONER).asText(annotations.path(BlockDriver.BETA_STORAGE_PROVISIONER).asText());
    return provisioner.equals(BlockDriver.NAME) && claim.path("spec").path("volumeName").asText().isEmpty() && !Owners.isBeingDeleted(claim);
  }

  static String volumeName(JsonNode claim) {
    return "pvc-" + Owners.uid(claim);
  }

  @Override
  public Result sync(ObjectKey key) {
    var found = claims.get(key);
    if (found.isEmpty() || !waitsForUs(found.get())) return Result.done();
    ObjectNode claim = found.get();
    String pvName = volumeName(claim);
    if (volumes.get(new ObjectKey(key.cell(), "", pvName)).isPresent()) return Result.done(); // provisioned already
    String className = className(claim);
    var sc = classes.get(new ObjectKey(key.cell(), "", className));
    if (sc.isEmpty()) {
      events.warning(key.cell(), claim, COMPONENT, "ProvisioningFailed", "storageclass.storage.k8s.io \"" + className + "\" not found");
      throw new IllegalStateException("claim " + key + " names the StorageClass \"" + className + "\", which does not exist");
    }
    if (!sc.get().path("provisioner").asText().equals(BlockDriver.NAME)) return Result.done();
    boolean waitForConsumer = sc.get().path("volumeBindingMode").asText().equals("WaitForFirstConsumer");
    if (waitForConsumer && claim.path("metadata").path("annotations").path(BlockDriver.SELECTED_NODE).asText().isEmpty()) {
      return Result.done(); // the scheduler's annotation brings the claim back
    }
    OptionalLong requested = Sizes.bytes(claim.path("spec").path("resources").path("requests").path("storage"));
    if (requested.isEmpty() || requested.getAsLong() <= 0) {
      events.warning(key.cell(), claim, COMPONENT, "ProvisioningFailed", "claim has no storage request");
      return Result.done(); // validation keeps such claims out; nothing a retry would change
    }

    events.normal(key.cell(), claim, COMPONENT, "Provisioning",
        "External provisioner is provisioning volume for claim \"" + key.namespace() + "/" + key.name() + "\"");
    JsonNode parameters = sc.get().path("parameters");
    String type = parameters.path("type").asText(BlockDriver.DEFAULT_TYPE);
    Volume volume;
    try {
      volume = provider.create(new VolumeSpec(key.cell() + "/" + pvName, Sizes.roundUpToMiB(requested.getAsLong()), type, ZONE,
          Map.of("kubernetes.io/created-for/pvc/namespace", key.namespace(), "kubernetes.io/created-for/pvc/name", key.name(),
              "kubernetes.io/created-for/pv/name", pvName, "pier.dev/cell", key.cell())));
    } catch (VolumeException | IllegalArgumentException e) {
      events.warning(key.cell(), claim, COMPONENT, "ProvisioningFailed",
          "failed to provision volume with StorageClass \"" + className + "\": " + e.getMessage());
      throw e; // retried with back-off
    }
    try {
      client.resource(key.cell(), volumes.type()).create("", persistentVolume(pvName, claim, sc.get(), volume));
    } catch (ApiException e) {
      if (e.code() != 409) {
        events.warning(key.cell(), claim, COMPONENT, "ProvisioningFailed", "failed to create PersistentVolume " + pvName + ": " + e.getMessage());
        throw e;
      }
    }
    log.info("provisioned volume {} ({}) for claim {}", pvName, volume.id(), key);
    events.normal(key.cell(), claim, COMPONENT, "ProvisioningSucceeded", "Successfully provisioned volume " + pvName);
    return Result.done();
  }

  /** The PV for a new volume, pre-bound to its claim, as the external-provisioner writes it. */
  static ObjectNode persistentVolume(String name, ObjectNode claim, ObjectNode storageClass, Volume volume) {
    ObjectNode pv = Json.object();
    pv.put("apiVersion", "v1");
    pv.put("kind", "PersistentVolume");
    ObjectNode meta = pv.putObject("metadata");
    meta.put("name", name);
    meta.putObject("annotations").put(BlockDriver.PROVISIONED_BY, BlockDriver.NAME);
    meta.putArray("finalizers").add(BlockDriver.PROVISIONER_FINALIZER);
    ObjectNode spec = pv.putObject("spec");
    spec.putObject("capacity").put("storage", Sizes.quantity(volume.sizeBytes()));
    spec.set("accessModes", claim.path("spec").path("accessModes").deepCopy());
    spec.put("persistentVolumeReclaimPolicy", storageClass.path("reclaimPolicy").asText("Delete"));
    spec.put("storageClassName", storageClass.path("metadata").path("name").asText());
    spec.put("volumeMode", "Filesystem");
    if (storageClass.path("mountOptions").isArray()) spec.set("mountOptions", storageClass.get("mountOptions").deepCopy());
    JsonNode claimMeta = claim.path("metadata");
    spec.putObject("claimRef")
        .put("kind", "PersistentVolumeClaim")
        .put("apiVersion", "v1")
        .put("namespace", claimMeta.path("namespace").asText())
        .put("name", claimMeta.path("name").asText())
        .put("uid", claimMeta.path("uid").asText());
    JsonNode parameters = storageClass.path("parameters");
    ObjectNode csi = spec.putObject("csi");
    csi.put("driver", BlockDriver.NAME);
    csi.put("volumeHandle", volume.id());
    csi.put("fsType", parameters.path("fsType").asText(BlockDriver.DEFAULT_FS_TYPE));
    csi.putObject("volumeAttributes").put("type", parameters.path("type").asText(BlockDriver.DEFAULT_TYPE));
    return pv;
  }

  private static String className(JsonNode claim) {
    return claim.path("spec").path("storageClassName").asText();
  }
}
