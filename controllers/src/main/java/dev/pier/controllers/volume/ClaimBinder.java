package dev.pier.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claim half of Kubernetes' PersistentVolume controller: binds a claim to the volume that fits it
 * best ({@link VolumeMatching}), or asks the class's provisioner for one by annotating the claim, and
 * says why a claim stays Pending. A {@code WaitForFirstConsumer} claim waits for the scheduler's
 * {@code volume.kubernetes.io/selected-node} before either.
 */
public final class ClaimBinder implements Reconciler<ObjectKey> {
    static final String COMPONENT = "persistentvolume-controller";
    static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
    static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** Kubernetes' PV controller resyncs every 15 s; a Pending claim is looked at again as often. */
    private static final Duration RESYNC = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(ClaimBinder.class);

    private final LocalClient client;
    private final Informer claims;
    private final Informer volumes;
    private final Informer classes;
    private final EventRecorder events;
    private final ResourceType claimType;
    private final ResourceType volumeType;
    /** The last Pending reason told per claim, so a resync does not repeat an Event. */
    private final Map<ObjectKey, String> told = new ConcurrentHashMap<>();

    public ClaimBinder(LocalClient client, Informer claims, Informer volumes, Informer classes, EventRecorder events,
                       WorkQueue<ObjectKey> queue) {
        this.client = client;
        this.claims = claims;
        this.volumes = volumes;
        this.classes = classes;
        this.events = events;
        this.claimType = claims.type();
        this.volumeType = volumes.type();
        claims.addHandler(EventHandler.onChange((cell, claim) -> queue.add(ObjectKey.of(cell, claim))));
        volumes.addHandler(EventHandler.onChange((cell, pv) -> {
            JsonNode ref = pv.path("spec").path("claimRef");
            if (ref.isObject()) queue.add(new ObjectKey(cell, Tree.text(ref, "namespace"), Tree.text(ref, "name")));
            else enqueuePending(cell, queue); // a free volume may fit a waiting claim
        }));
        classes.addHandler(EventHandler.onChange((cell, sc) -> enqueuePending(cell, queue)));
    }

    private void enqueuePending(String cell, WorkQueue<ObjectKey> queue) {
        for (ObjectNode claim : claims.listCell(cell)) {
            if (Tree.text(claim.path("spec"), "volumeName").isEmpty()) queue.add(ObjectKey.of(cell, claim));
        }
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = claims.get(key);
        if (found.isEmpty()) {
            told.remove(key);
            return Result.done();
        }
        ObjectNode claim = found.get();
        if (VolumeMatching.beingDeleted(claim)) return Result.done();
        String volumeName = Tree.text(claim.path("spec"), "volumeName");
        if (!volumeName.isEmpty()) return syncBound(key, claim, volumeName);

        String className = Tree.text(claim.path("spec"), "storageClassName");
        Optional<ObjectNode> storageClass = className.isEmpty() ? Optional.empty()
                : classes.get(new ObjectKey(key.cell(), "", className));
        boolean waitForConsumer = storageClass.map(sc -> Tree.text(sc, "volumeBindingMode").equals("WaitForFirstConsumer")).orElse(false);
        boolean consumerChosen = !Tree.text(claim.path("metadata").path("annotations"), SELECTED_NODE).isEmpty();

        Optional<JsonNode> volume = VolumeMatching.bestFor(claim, volumes.listCell(key.cell()));
        boolean preBound = volume.isPresent() && VolumeMatching.isPreBoundTo(volume.get(), claim);
        if (volume.isPresent() && (preBound || !waitForConsumer || consumerChosen)) {
            bind(key, claim, (ObjectNode) volume.get());
            return Result.done();
        }
        if (waitForConsumer && !consumerChosen) {
            tell(key, claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
        } else if (className.isEmpty()) {
            tell(key, claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
        } else if (storageClass.isEmpty()) {
            tell(key, claim, "Warning", "ProvisioningFailed", "storageclass.storage.k8s.io \"" + className + "\" not found");
        } else {
            String provisioner = Tree.text(storageClass.get(), "provisioner");
            if (provisioner.equals("kubernetes.io/no-provisioner")) {
                tell(key, claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            } else {
                askProvisioner(key, claim, provisioner);
            }
        }
        return Result.requeueAfter(RESYNC);
    }

    private void askProvisioner(ObjectKey key, ObjectNode claim, String provisioner) {
        JsonNode annotations = claim.path("metadata").path("annotations");
        if (!Tree.text(annotations, STORAGE_PROVISIONER).equals(provisioner)) {
            ObjectNode next = claim.deepCopy();
            ObjectNode a = next.withObject("/metadata/annotations");
            a.put(STORAGE_PROVISIONER, provisioner);
            a.put(BETA_STORAGE_PROVISIONER, provisioner);
            claims(key).update(next);
        }
        tell(key, claim, "Normal", "ExternalProvisioning", "Waiting for a volume to be created either by the external provisioner '"
                + provisioner + "' or manually by the system administrator. If volume creation is delayed, please verify that the "
                + "provisioner is running and correctly registered.");
    }

    /** Points the volume at the claim, then the claim at the volume, then both statuses to Bound. */
    private void bind(ObjectKey key, ObjectNode claim, ObjectNode volume) {
        String pvName = Tree.text(volume.path("metadata"), "name");
        ObjectNode pv = volume.deepCopy();
        boolean weChose = !VolumeMatching.isPreBoundTo(volume, claim);
        ObjectNode ref = pv.withObject("/spec/claimRef");
        JsonNode meta = claim.path("metadata");
        ref.put("kind", "PersistentVolumeClaim").put("apiVersion", "v1").put("namespace", key.namespace())
                .put("name", key.name()).put("uid", Tree.text(meta, "uid")).put("resourceVersion", Tree.text(meta, "resourceVersion"));
        if (weChose) pv.withObject("/metadata/annotations").put(BOUND_BY_CONTROLLER, "yes");
        if (!pv.equals(volume)) pv = volumes(key).update(pv);
        setPhase(volumes(key), pv, "Bound");

        ObjectNode next = claim.deepCopy();
        next.withObject("/spec").put("volumeName", pvName);
        ObjectNode annotations = next.withObject("/metadata/annotations");
        annotations.put(BIND_COMPLETED, "yes");
        annotations.put(BOUND_BY_CONTROLLER, "yes");
        ObjectNode bound = claims(key).update(next);
        ObjectNode status = bound.withObject("/status");
        status.put("phase", "Bound");
        status.set("accessModes", pv.path("spec").path("accessModes").deepCopy());
        status.set("capacity", pv.path("spec").path("capacity").deepCopy());
        claims(key).updateStatus(bound);
        told.remove(key);
        LOG.info("cell {}: claim {}/{} bound to volume {}", key.cell(), key.namespace(), key.name(), pvName);
    }

    /** A claim naming its volume: finish a bind cut short, or report the volume lost. */
    private Result syncBound(ObjectKey key, ObjectNode claim, String volumeName) {
        Optional<ObjectNode> volume = volumes.get(new ObjectKey(key.cell(), "", volumeName));
        String phase = Tree.text(claim.path("status"), "phase");
        if (volume.isEmpty()) {
            if (phase.equals("Bound")) {
                ObjectNode lost = claim.deepCopy();
                lost.withObject("/status").put("phase", "Lost");
                claims(key).updateStatus(lost);
                events.warning(key.cell(), claim, COMPONENT, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
            }
            return Result.done();
        }
        ObjectNode pv = volume.get();
        JsonNode ref = pv.path("spec").path("claimRef");
        if (!ref.isObject() || VolumeMatching.isPreBoundTo(pv, claim)) {
            // claim pre-bound by its author to a volume, or the volume side of a bind not finished
            if (!ref.isObject() || Tree.text(ref, "uid").isEmpty() || !phase.equals("Bound")
                    || !Tree.text(pv.path("status"), "phase").equals("Bound")) {
                bind(key, claim, pv);
            }
            return Result.done();
        }
        tell(key, claim, "Warning", "FailedBinding", "volume \"" + volumeName + "\" already bound to a different claim.");
        return Result.requeueAfter(RESYNC);
    }

    static void setPhase(ResourceClient volumes, ObjectNode pv, String phase) {
        if (Tree.text(pv.path("status"), "phase").equals(phase)) return;
        ObjectNode next = pv.deepCopy();
        next.withObject("/status").put("phase", phase);
        volumes.updateStatus(next);
    }

    private void tell(ObjectKey key, ObjectNode claim, String type, String reason, String message) {
        if (reason.equals(told.put(key, reason))) return;
        if (type.equals("Warning")) events.warning(key.cell(), claim, COMPONENT, reason, message);
        else events.normal(key.cell(), claim, COMPONENT, reason, message);
    }

    private ResourceClient claims(ObjectKey key) {
        return client.resource(key.cell(), claimType);
    }

    private ResourceClient volumes(ObjectKey key) {
        return client.resource(key.cell(), volumeType);
    }
}
