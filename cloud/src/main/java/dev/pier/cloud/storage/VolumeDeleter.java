package dev.pier.cloud.storage;

import dev.pier.controllers.runtime.Finalizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.cloud.volume.VolumeException;
import dev.pier.cloud.volume.VolumeProvider;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.runtime.Writes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external-provisioner's deleting half for {@value BlockDriver#NAME}: deletes the volume of a
 * PersistentVolume it provisioned once the PV is Released (its claim deleted; or the claim is gone
 * before the PV controller said so), or deleted by hand while not Bound, and its reclaim policy is
 * Delete; then the PV.
 *
 * <p>The provider refuses to delete an attached volume; the attach/detach controller detaches it
 * once no pod needs it, so a refusal is retried with back-off (and shown once as a
 * {@code VolumeFailedDelete} Warning). The PV's finalizer {@value BlockDriver#PROVISIONER_FINALIZER}
 * goes only after the volume, so deleting the PV by hand also passes through here. A Retain PV's
 * volume is never deleted; if such a PV is deleted, only the finalizer is taken off.
 */
final class VolumeDeleter implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(VolumeDeleter.class);
  static final String COMPONENT = BlockDriver.NAME;

  private final LocalClient client;
  private final Informer volumes;
  private final Informer claims;
  private final EventRecorder events;
  private final VolumeProvider provider;
  /** The refusal last shown per PV, so that retries do not repeat it. */
  private final Map<ObjectKey, String> warned = new ConcurrentHashMap<>();

  private VolumeDeleter(LocalClient client, Informer volumes, Informer claims, EventRecorder events, VolumeProvider provider) {
    this.client = client;
    this.volumes = volumes;
    this.claims = claims;
    this.events = events;
    this.provider = provider;
  }

  static VolumeDeleter create(LocalClient client, Informer volumes, Informer claims, EventRecorder events, WorkQueue<ObjectKey> queue,
      VolumeProvider provider) {
    volumes.addHandler(EventHandler.onChange((cell, pv) -> {
      if (provisionedByUs(pv)) queue.add(ObjectKey.of(cell, pv));
    }));
    claims.addHandler(new EventHandler() {
      @Override
      public void onAdd(String cell, ObjectNode claim) {}

      @Override
      public void onUpdate(String cell, ObjectNode old, ObjectNode claim) {}

      @Override
      public void onDelete(String cell, ObjectNode last) {
        // its PV: the one it was bound to, or the one we made for it (still pre-bound only, if the claim went first)
        String pv = last.path("spec").path("volumeName").asText();
        if (!pv.isEmpty()) queue.add(new ObjectKey(cell, "", pv));
        queue.add(new ObjectKey(cell, "", ClaimProvisioner.volumeName(last)));
      }
    });
    return new VolumeDeleter(client, volumes, claims, events, provider);
  }

  static boolean provisionedByUs(JsonNode pv) {
    return pv.path("metadata").path("annotations").path(BlockDriver.PROVISIONED_BY).asText().equals(BlockDriver.NAME);
  }

  @Override
  public Result sync(ObjectKey key) {
    var found = volumes.get(key);
    if (found.isEmpty()) {
      warned.remove(key);
      return Result.done();
    }
    ObjectNode pv = found.get();
    if (!provisionedByUs(pv)) return Result.done();
    boolean deleting = Owners.isBeingDeleted(pv);
    if (!pv.path("spec").path("persistentVolumeReclaimPolicy").asText().equals("Delete")) {
      if (deleting && Finalizers.has(pv, BlockDriver.PROVISIONER_FINALIZER)) {
        log.info("PV {} is deleted with reclaim policy {}: keeping its volume {}", key, pv.path("spec").path("persistentVolumeReclaimPolicy").asText(),
            BlockDriver.volumeHandle(pv));
        removeFinalizer(key, pv);
      }
      return Result.done();
    }
    // a PV deleted by hand goes too, unless it is still bound (its claim's user would lose the data under a running pod)
    boolean deletedUnbound = deleting && !pv.path("status").path("phase").asText().equals("Bound");
    if (!deletedUnbound && !released(key.cell(), pv)) return Result.done();

    String handle = BlockDriver.volumeHandle(pv);
    try {
      provider.delete(handle);
    } catch (VolumeException e) {
      String message = e.getMessage();
      if (!Objects.equals(warned.put(key, message), message)) events.warning(key.cell(), pv, COMPONENT, "VolumeFailedDelete", message);
      throw e; // retried with back-off: the volume is detached once no pod on its node uses it
    }
    warned.remove(key);
    log.info("deleted volume {} of released PV {}", handle, key);
    if (Finalizers.has(pv, BlockDriver.PROVISIONER_FINALIZER)) removeFinalizer(key, pv);
    if (!deleting) Writes.ignoreGone(() -> pvs(key).delete("", key.name(), DeleteOptions.defaults()));
    return Result.done();
  }

  /** Released by the PV controller, or its claim (that very claim, by uid) is gone. */
  private boolean released(String cell, ObjectNode pv) {
    if (pv.path("status").path("phase").asText().equals("Released")) return true;
    JsonNode ref = pv.path("spec").path("claimRef");
    if (!ref.isObject() || ref.path("uid").asText().isEmpty()) return false;
    var claimKey = new ObjectKey(cell, ref.path("namespace").asText(), ref.path("name").asText());
    var cached = claims.get(claimKey);
    if (cached.isPresent() && Owners.uid(cached.get()).equals(ref.path("uid").asText())) return false;
    // the cache may lag behind a claim made a moment ago: ask the store before deleting anything
    var stored = client.resource(cell, claims.type()).find(claimKey.namespace(), claimKey.name());
    return stored.isEmpty() || !Owners.uid(stored.get()).equals(ref.path("uid").asText());
  }

  private void removeFinalizer(ObjectKey key, ObjectNode pv) {
    Writes.ignoreGone(() -> pvs(key).update(Finalizers.withRemoved(pv, BlockDriver.PROVISIONER_FINALIZER)));
  }

  private ResourceClient pvs(ObjectKey key) {
    return client.resource(key.cell(), volumes.type());
  }
}
