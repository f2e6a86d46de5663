package dev.pier.cloud.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
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
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external-resizer for {@value BlockDriver#NAME}: when a bound claim asks for more storage than
 * its PersistentVolume has, grows the volume, sets the PV's capacity, and marks the claim
 * {@code FileSystemResizePending} so that the node agent grows the file system (offline: these
 * machines cannot grow a mounted ext4) the next time a pod starts with it, and then sets the claim's
 * {@code status.capacity}.
 *
 * <p>The claim's status says where a resize is, as Kubernetes' does: {@code allocatedResources} is
 * the size being made and {@code allocatedResourceStatuses.storage} goes
 * {@code ControllerResizeInProgress} → {@code NodeResizePending} ({@code ControllerResizeInfeasible}
 * if the provider refuses for good). A resize that crashed half-way is found by its
 * {@code ControllerResizeInProgress} and finished: growing to the same size is no change.
 */
final class ClaimResizer implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(ClaimResizer.class);
  static final String COMPONENT = "external-resizer " + BlockDriver.NAME;
  static final String CONTROLLER_IN_PROGRESS = "ControllerResizeInProgress";
  static final String CONTROLLER_INFEASIBLE = "ControllerResizeInfeasible";
  static final String NODE_PENDING = "NodeResizePending";
  static final String RESIZING = "Resizing";
  static final String FS_RESIZE_PENDING = "FileSystemResizePending";
  static final String FS_RESIZE_MESSAGE = "Waiting for user to (re-)start a pod to finish file system resize of volume on node.";

  private final LocalClient client;
  private final Informer claims;
  private final Informer volumes;
  private final Informer classes;
  private final EventRecorder events;
  private final VolumeProvider provider;
  private final Clock clock;

  private ClaimResizer(LocalClient client, Informer claims, Informer volumes, Informer classes, EventRecorder events,
      VolumeProvider provider, Clock clock) {
    this.client = client;
    this.claims = claims;
    this.volumes = volumes;
    this.classes = classes;
    this.events = events;
    this.provider = provider;
    this.clock = clock;
  }

  static ClaimResizer create(LocalClient client, Informer claims, Informer volumes, Informer classes, EventRecorder events,
      WorkQueue<ObjectKey> queue, VolumeProvider provider, Clock clock) {
    claims.addHandler(EventHandler.onChange((cell, claim) -> {
      if (!claim.path("spec").path("volumeName").asText().isEmpty()) queue.add(ObjectKey.of(cell, claim));
    }));
    volumes.addHandler(EventHandler.onChange((cell, pv) -> {
      JsonNode ref = pv.path("spec").path("claimRef");
      if (ref.isObject() && BlockDriver.isOurVolume(pv)) {
        queue.add(new ObjectKey(cell, ref.path("namespace").asText(), ref.path("name").asText()));
      }
    }));
    return new ClaimResizer(client, claims, volumes, classes, events, provider, clock);
  }

  @Override
  public Result sync(ObjectKey key) {
    var found = claims.get(key);
    if (found.isEmpty() || Owners.isBeingDeleted(found.get())) return Result.done();
    ObjectNode claim = found.get();
    String pvName = claim.path("spec").path("volumeName").asText();
    if (pvName.isEmpty() || !claim.path("status").path("phase").asText().equals("Bound")) return Result.done();
    var pvFound = volumes.get(new ObjectKey(key.cell(), "", pvName));
    if (pvFound.isEmpty() || !BlockDriver.isOurVolume(pvFound.get())) return Result.done();
    ObjectNode pv = pvFound.get();
    if (!pv.path("spec").path("claimRef").path("uid").asText().equals(Owners.uid(claim))) return Result.done(); // not this claim's

    OptionalLong requested = Sizes.bytes(claim.path("spec").path("resources").path("requests").path("storage"));
    OptionalLong capacity = Sizes.bytes(pv.path("spec").path("capacity").path("storage"));
    if (requested.isEmpty() || capacity.isEmpty()) return Result.done();
    boolean inProgress = claim.path("status").path("allocatedResourceStatuses").path("storage").asText().equals(CONTROLLER_IN_PROGRESS);
    if (requested.getAsLong() <= capacity.getAsLong() && !inProgress) return Result.done();
    if (!expandable(key.cell(), claim)) return Result.done(); // admission refuses such a growth; a class may have changed since

    long size = Sizes.roundUpToMiB(Math.max(requested.getAsLong(), capacity.getAsLong()));
    String handle = BlockDriver.volumeHandle(pv);
    events.normal(key.cell(), claim, COMPONENT, "Resizing", "External resizer is resizing volume " + pvName);
    claim = claimsClient(key).updateStatus(marked(claim, size, CONTROLLER_IN_PROGRESS, RESIZING, ""));
    try {
      provider.expand(handle, size);
    } catch (VolumeException e) {
      events.warning(key.cell(), claim, COMPONENT, "VolumeResizeFailed",
          "resize volume \"" + pvName + "\" by resizer \"" + BlockDriver.NAME + "\" failed: " + e.getMessage());
      if (e.code() == VolumeException.Code.SHRINK || e.code() == VolumeException.Code.NOT_FOUND) {
        claimsClient(key).updateStatus(withoutCondition(marked(claim, size, CONTROLLER_INFEASIBLE, "", ""), RESIZING));
        return Result.done(); // no retry makes this possible
      }
      throw e; // retried with back-off
    }
    String quantity = Sizes.quantity(size);
    if (!pv.path("spec").path("capacity").path("storage").asText().equals(quantity)) {
      ObjectNode grown = pv.deepCopy();
      grown.withObject("spec").withObject("capacity").put("storage", quantity);
      volumesClient(key).update(grown);
    }
    ObjectNode pending = withoutCondition(marked(claim, size, NODE_PENDING, FS_RESIZE_PENDING, FS_RESIZE_MESSAGE), RESIZING);
    Writes.ignoreGone(() -> claimsClient(key).updateStatus(pending));
    log.info("expanded volume {} ({}) of claim {} to {}; the node grows its file system", handle, pvName, key, quantity);
    events.normal(key.cell(), claim, COMPONENT, "FileSystemResizeRequired", "Require file system resize of volume on node");
    return Result.done();
  }

  private boolean expandable(String cell, ObjectNode claim) {
    String className = claim.path("spec").path("storageClassName").asText();
    return classes.get(new ObjectKey(cell, "", className)).map(sc -> sc.path("allowVolumeExpansion").asBoolean(false)).orElse(false);
  }

  /**
   * A copy of the claim whose status says {@code size} is being allocated in {@code state}, with the
   * condition {@code conditionType} (none if empty) set to True.
   */
  private ObjectNode marked(ObjectNode claim, long size, String state, String conditionType, String message) {
    ObjectNode next = claim.deepCopy();
    ObjectNode status = next.withObject("status");
    status.withObject("allocatedResources").put("storage", Sizes.quantity(size));
    status.withObject("allocatedResourceStatuses").put("storage", state);
    if (!conditionType.isEmpty()) {
      ArrayNode conditions = status.path("conditions").isArray() ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
      ObjectNode condition = null;
      for (JsonNode c : conditions) {
        if (c.path("type").asText().equals(conditionType)) condition = (ObjectNode) c;
      }
      if (condition == null) {
        condition = conditions.addObject().put("type", conditionType);
        condition.put("lastTransitionTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
      }
      condition.put("status", "True");
      condition.putNull("lastProbeTime");
      if (message.isEmpty()) condition.remove("message");
      else condition.put("message", message);
    }
    return next;
  }

  private static ObjectNode withoutCondition(ObjectNode claim, String type) {
    if (claim.path("status").path("conditions") instanceof ArrayNode conditions) {
      for (int i = conditions.size() - 1; i >= 0; i--) {
        if (conditions.get(i).path("type").asText().equals(type)) conditions.remove(i);
      }
    }
    return claim;
  }

  private ResourceClient claimsClient(ObjectKey key) {
    return client.resource(key.cell(), claims.type());
  }

  private ResourceClient volumesClient(ObjectKey key) {
    return client.resource(key.cell(), volumes.type());
  }
}
