package dev.pier.controllers.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Finalizers;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Pods;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Kubernetes' pvc-protection and pv-protection controllers: the API server puts the finalizer on every
 * claim and volume when it is created; this removes it once the object is being deleted and nothing uses
 * it any more, so a claim is never deleted under a pod that mounts it, nor a volume under its claim.
 */
public final class InUseProtection implements Reconciler<ObjectKey> {
    public static final String CLAIM_FINALIZER = "kubernetes.io/pvc-protection";
    public static final String VOLUME_FINALIZER = "kubernetes.io/pv-protection";
    private static final Logger LOG = LoggerFactory.getLogger(InUseProtection.class);

    private final LocalClient client;
    private final Informer objects;
    private final String finalizer;
    private final BiPredicate<ObjectKey, ObjectNode> inUse;

    private InUseProtection(LocalClient client, Informer objects, String finalizer, BiPredicate<ObjectKey, ObjectNode> inUse,
                            WorkQueue<ObjectKey> queue) {
        this.client = client;
        this.objects = objects;
        this.finalizer = finalizer;
        this.inUse = inUse;
        objects.addHandler(EventHandler.onChange((cell, o) -> {
            if (VolumeMatching.beingDeleted(o)) queue.add(ObjectKey.of(cell, o));
        }));
    }

    /** Claims are in use while a pod that is not finished names them, including pods still shutting down. */
    public static InUseProtection forClaims(LocalClient client, Informer claims, Informer pods, WorkQueue<ObjectKey> queue) {
        pods.addHandler(EventHandler.onChange((cell, pod) -> {
            for (String claim : Pods.claimNames(pod)) queue.add(new ObjectKey(cell, Tree.text(pod.path("metadata"), "namespace"), claim));
        }));
        return new InUseProtection(client, claims, CLAIM_FINALIZER, (key, claim) -> pods.list(key.cell(), key.namespace()).stream()
                .anyMatch(pod -> !Pods.isFinished(pod) && Pods.claimNames(pod).contains(key.name())), queue);
    }

    /** Volumes are in use while Bound to a claim. */
    public static InUseProtection forVolumes(LocalClient client, Informer volumes, WorkQueue<ObjectKey> queue) {
        return new InUseProtection(client, volumes, VOLUME_FINALIZER,
                (key, pv) -> Tree.text(pv.path("status"), "phase").equals("Bound"), queue);
    }



    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = objects.get(key);
        if (found.isEmpty() || !VolumeMatching.beingDeleted(found.get())) return Result.done();
        ObjectNode object = found.get();
        if (!Finalizers.has(object, finalizer) || inUse.test(key, object)) return Result.done();
        ObjectNode next = Finalizers.withRemoved(object, finalizer);
        ResourceType type = objects.type();
        client.resource(key.cell(), type).update(next);
        LOG.info("cell {}: {} {} no longer in use, {} removed", key.cell(), type.kind(), key, finalizer);
        return Result.done();
    }
}
