package dev.pier.cloud.storage;

import dev.pier.controllers.runtime.Finalizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.cloud.volume.Volume;
import dev.pier.cloud.volume.VolumeException;
import dev.pier.cloud.volume.VolumeProvider;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.runtime.Writes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external-attacher for {@value BlockDriver#NAME}: attaches the volume of each
 * VolumeAttachment to its node's machine (machines are named as their nodes) and reports the
 * device in {@code status.attachmentMetadata.devicePath}; detaches it when the VolumeAttachment is
 * deleted, holding it with the finalizer {@value BlockDriver#ATTACHER_FINALIZER} until then.
 *
 * <p>The provider's state is the truth, not the status: every attachment is synced again each
 * {@link #RESYNC}, and after a restart of Pier (whose provider let go of its loop devices) the
 * first sync of each finds the volume detached, attaches it again and writes the new device.
 * Failures go to {@code status.attachError} / {@code status.detachError} and are retried with
 * back-off.
 */
final class VolumeAttacher implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(VolumeAttacher.class);
  static final Duration RESYNC = Duration.ofSeconds(30);

  private final LocalClient client;
  private final Informer attachments;
  private final Informer volumes;
  private final VolumeProvider provider;
  private final Clock clock;

  private VolumeAttacher(LocalClient client, Informer attachments, Informer volumes, VolumeProvider provider, Clock clock) {
    this.client = client;
    this.attachments = attachments;
    this.volumes = volumes;
    this.provider = provider;
    this.clock = clock;
  }

  static VolumeAttacher create(LocalClient client, Informer attachments, Informer volumes, WorkQueue<ObjectKey> queue,
      VolumeProvider provider, Clock clock) {
    attachments.addHandler(EventHandler.onChange((cell, va) -> {
      if (isOurs(va)) queue.add(ObjectKey.of(cell, va));
    }));
    // an attachment made before its PV reached the cache waits for it
    volumes.addHandler(EventHandler.onChange((cell, pv) -> {
      String name = pv.path("metadata").path("name").asText();
      for (ObjectNode va : attachments.listCell(cell)) {
        if (isOurs(va) && persistentVolumeName(va).equals(name) && !va.path("status").path("attached").asBoolean()) {
          queue.add(ObjectKey.of(cell, va));
        }
      }
    }));
    return new VolumeAttacher(client, attachments, volumes, provider, clock);
  }

  static boolean isOurs(JsonNode va) {
    return va.path("spec").path("attacher").asText().equals(BlockDriver.NAME);
  }

  private static String persistentVolumeName(JsonNode va) {
    return va.path("spec").path("source").path("persistentVolumeName").asText();
  }

  @Override
  public Result sync(ObjectKey key) {
    var found = attachments.get(key);
    if (found.isEmpty() || !isOurs(found.get())) return Result.done();
    ObjectNode va = found.get();
    String node = va.path("spec").path("nodeName").asText();
    if (Owners.isBeingDeleted(va)) {
      if (Finalizers.has(va, BlockDriver.ATTACHER_FINALIZER)) detach(key, va, node);
      return Result.done();
    }
    Optional<String> handle = handleOf(key, va);
    if (handle.isEmpty()) return Result.done(); // reported in attachError; a PV's arrival brings it back
    if (!Finalizers.has(va, BlockDriver.ATTACHER_FINALIZER) || !va.path("metadata").path("annotations").has(BlockDriver.VOLUME_HANDLE_ANNOTATION)) {
      ObjectNode marked = Finalizers.has(va, BlockDriver.ATTACHER_FINALIZER) ? va.deepCopy() : Finalizers.withAdded(va, BlockDriver.ATTACHER_FINALIZER);
      marked.withObject("metadata").withObject("annotations").put(BlockDriver.VOLUME_HANDLE_ANNOTATION, handle.get());
      va = attachmentsClient(key).update(marked);
    }
    boolean reportedAttached = va.path("status").path("attached").asBoolean(false);
    if (reportedAttached && !attachedTo(handle.get(), node)) {
      log.info("volume {} of {} is no longer attached to {} (Pier restarted?): attaching it again", handle.get(), key, node);
    }
    Volume volume;
    try {
      volume = provider.attach(handle.get(), node);
    } catch (VolumeException | IllegalArgumentException e) {
      writeError(key, va, "attachError", e.getMessage());
      throw e; // retried with back-off
    }
    String device = volume.attachment().orElseThrow().devicePath();
    JsonNode status = va.path("status");
    if (!reportedAttached || !status.path("attachmentMetadata").path("devicePath").asText().equals(device) || status.has("attachError")) {
      ObjectNode next = va.deepCopy();
      ObjectNode s = next.withObject("status");
      s.put("attached", true);
      s.putObject("attachmentMetadata").put("devicePath", device);
      s.remove("attachError");
      attachmentsClient(key).updateStatus(next);
      log.info("attached volume {} of {} to {} as {}", handle.get(), key, node, device);
    }
    return Result.requeueAfter(RESYNC);
  }

  private boolean attachedTo(String handle, String node) {
    return provider.get(handle).flatMap(Volume::attachment).map(a -> a.machine().equals(node)).orElse(false);
  }

  private void detach(ObjectKey key, ObjectNode va, String node) {
    String handle = va.path("metadata").path("annotations").path(BlockDriver.VOLUME_HANDLE_ANNOTATION).asText();
    if (handle.isEmpty()) {
      // never attached by us (the finalizer came without the handle only if someone else wrote it): look at its PV
      handle = volumes.get(new ObjectKey(key.cell(), "", persistentVolumeName(va))).map(BlockDriver::volumeHandle).orElse("");
    }
    if (!handle.isEmpty()) {
      try {
        provider.detach(handle, node);
      } catch (VolumeException | IllegalArgumentException e) {
        writeError(key, va, "detachError", e.getMessage());
        throw e;
      }
      log.info("detached volume {} of {} from {}", handle, key, node);
    }
    Writes.ignoreGone(() -> attachmentsClient(key).update(Finalizers.withRemoved(va, BlockDriver.ATTACHER_FINALIZER)));
  }

  /** The volume handle of the attachment's PV; empty (and said so in attachError) when there is none of ours. */
  private Optional<String> handleOf(ObjectKey key, ObjectNode va) {
    String pvName = persistentVolumeName(va);
    if (pvName.isEmpty()) {
      writeError(key, va, "attachError", "inline volumes are not supported by " + BlockDriver.NAME + "; name a PersistentVolume");
      return Optional.empty();
    }
    var pv = volumes.get(new ObjectKey(key.cell(), "", pvName));
    if (pv.isEmpty()) {
      writeError(key, va, "attachError", "persistentvolume \"" + pvName + "\" not found");
      return Optional.empty();
    }
    if (!BlockDriver.isOurVolume(pv.get()) || BlockDriver.volumeHandle(pv.get()).isEmpty()) {
      writeError(key, va, "attachError", "persistentvolume \"" + pvName + "\" is not a " + BlockDriver.NAME + " volume");
      return Optional.empty();
    }
    return Optional.of(BlockDriver.volumeHandle(pv.get()));
  }

  /** Writes {@code status.<field>} ({@code attachError} or {@code detachError}) unless it says that already. */
  private void writeError(ObjectKey key, ObjectNode va, String field, String message) {
    if (va.path("status").path(field).path("message").asText().equals(message)) return;
    ObjectNode next = va.deepCopy();
    next.withObject("status").putObject(field)
        .put("time", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString())
        .put("message", message);
    if (!next.path("status").has("attached")) next.withObject("status").put("attached", false);
    Writes.ignoreGone(() -> attachmentsClient(key).updateStatus(next));
  }

  private ResourceClient attachmentsClient(ObjectKey key) {
    return client.resource(key.cell(), attachments.type());
  }
}
