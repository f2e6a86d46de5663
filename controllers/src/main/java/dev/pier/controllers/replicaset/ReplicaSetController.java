package dev.pier.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static dev.pier.controllers.runtime.Writes.ignoreGone;
import static dev.pier.controllers.runtime.Writes.joinAll;

/**
 * Keeps {@code spec.replicas} pods of a ReplicaSet (or ReplicationController) alive: adopts matching
 * orphans, releases owned pods that stopped matching, creates missing pods in batches that double while
 * they succeed (Kubernetes' slow start), deletes the least useful surplus pods, and writes status counts.
 */
public final class ReplicaSetController implements Reconciler<ObjectKey> {
    /** At most this many creates or deletes per sync, as Kubernetes' burstReplicas. */
    static final int BURST = 500;

    private final ReplicaKind kind;
    private final LocalClient client;
    private final Informer owners;
    private final Informer pods;
    private final ResourceType podType;
    private final EventRecorder events;
    private final WorkQueue<ObjectKey> queue;
    private final Clock clock;

    private ReplicaSetController(ReplicaKind kind, LocalClient client, Informer owners, Informer pods,
                                 EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        this.kind = kind;
        this.client = client;
        this.owners = owners;
        this.pods = pods;
        this.podType = pods.type();
        this.events = events;
        this.queue = queue;
        this.clock = clock;
    }

    /** The ReplicaSet controller, with its informer handlers registered. */
    public static ReplicaSetController forReplicaSets(LocalClient client, Informer replicaSets, Informer pods,
                                                      EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        return register(new ReplicaSetController(new ReplicaKind(replicaSets.type(), "replicaset-controller", false),
                client, replicaSets, pods, events, queue, clock));
    }

    /** The ReplicationController controller: the same logic on a map selector. */
    public static ReplicaSetController forReplicationControllers(LocalClient client, Informer controllers, Informer pods,
                                                                 EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        return register(new ReplicaSetController(new ReplicaKind(controllers.type(), "replication-controller", true),
                client, controllers, pods, events, queue, clock));
    }

    private static ReplicaSetController register(ReplicaSetController c) {
        c.owners.addHandler(EventHandler.onChange((cell, o) -> c.queue.add(ObjectKey.of(cell, o))));
        c.pods.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode pod) {
                c.enqueueOwners(cell, pod);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                if (!Owners.controllerOf(old).equals(Owners.controllerOf(current))
                        || !old.path("metadata").path("labels").equals(current.path("metadata").path("labels"))) {
                    c.enqueueOwners(cell, old);
                }
                c.enqueueOwners(cell, current);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                c.enqueueOwners(cell, last);
            }
        });
        return c;
    }

    /** The pod's controller if it is one of ours; otherwise every one of ours that could adopt it. */
    private void enqueueOwners(String cell, ObjectNode pod) {
        Optional<JsonNode> ref = Owners.controllerOf(pod);
        String namespace = pod.path("metadata").path("namespace").asText();
        if (ref.isPresent()) {
            if (!kind.owns(ref.get())) return;
            ObjectKey key = new ObjectKey(cell, namespace, ref.get().path("name").asText());
            owners.get(key).ifPresent(owner -> {
                if (Owners.uid(owner).equals(ref.get().path("uid").asText())) {
                    queue.add(key);
                    long minReady = owner.path("spec").path("minReadySeconds").asLong(0);
                    // a pod that just became ready becomes available after minReadySeconds: look again then
                    if (minReady > 0 && Pods.isReady(pod)) queue.addAfter(key, Duration.ofSeconds(minReady).plusMillis(500));
                }
            });
            return;
        }
        if (Owners.isBeingDeleted(pod)) return;
        for (ObjectNode owner : owners.list(cell, namespace)) {
            if (kind.selects(owner, pod)) queue.add(ObjectKey.of(cell, owner));
        }
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = owners.get(key);
        if (found.isEmpty()) return Result.done(); // deleted: the garbage collector removes its pods
        ObjectNode owner = found.get();
        List<ObjectNode> owned = claimPods(key, owner);
        List<ObjectNode> active = owned.stream().filter(Pods::isActive).toList();

        String failure = null;
        if (!Owners.isBeingDeleted(owner)) {
            failure = manageReplicas(key, owner, active);
        }
        return updateStatus(key, owner, active, failure);
    }

    /**
     * Pods this owner controls, after adopting orphans its selector matches and releasing pods it
     * controls that no longer match (Kubernetes' PodControllerRefManager).
     */
    private List<ObjectNode> claimPods(ObjectKey key, ObjectNode owner) {
        String uid = Owners.uid(owner);
        ResourceClient podClient = client.resource(key.cell(), podType);
        List<ObjectNode> owned = new ArrayList<>();
        for (ObjectNode pod : pods.list(key.cell(), key.namespace())) {
            Optional<JsonNode> ref = Owners.controllerOf(pod);
            boolean matches = kind.selects(owner, pod);
            String podName = pod.path("metadata").path("name").asText();
            if (ref.isPresent()) {
                if (!ref.get().path("uid").asText().equals(uid)) continue;
                if (matches) {
                    owned.add(pod);
                } else if (!Owners.isBeingDeleted(pod)) {
                    ArrayNode refs = Json.object().arrayNode();
                    for (JsonNode r : pod.path("metadata").path("ownerReferences")) if (!r.path("uid").asText().equals(uid)) refs.add(r);
                    ignoreGone(() -> podClient.patch(key.namespace(), podName, Owners.uid(pod), PatchType.MERGE,
                            Owners.ownerReferencesPatch(refs), false));
                }
            } else if (matches && !Owners.isBeingDeleted(owner) && !Owners.isBeingDeleted(pod)) {
                ArrayNode refs = Json.object().arrayNode();
                pod.path("metadata").path("ownerReferences").forEach(refs::add);
                refs.add(Owners.controllerRef(owner));
                ObjectNode adopted = ignoreGone(() -> podClient.patch(key.namespace(), podName, Owners.uid(pod), PatchType.MERGE,
                        Owners.ownerReferencesPatch(refs), false));
                if (adopted != null) owned.add(adopted);
            }
        }
        return owned;
    }

    /** Creates or deletes pods towards spec.replicas; returns a failure message for the ReplicaFailure condition. */
    private String manageReplicas(ObjectKey key, ObjectNode owner, List<ObjectNode> active) {
        int want = owner.path("spec").path("replicas").asInt(1);
        int diff = active.size() - want;
        if (diff < 0) return createPods(key, owner, Math.min(-diff, BURST));
        if (diff > 0) deletePods(key, owner, active, Math.min(diff, BURST));
        return null;
    }

    /** Slow start: batches of 1, 2, 4, ... pods; the first failing batch stops the rest. */
    private String createPods(ObjectKey key, ObjectNode owner, int count) {
        ResourceClient podClient = client.resource(key.cell(), podType);
        ObjectNode template = podFromTemplate(owner);
        int remaining = count;
        int batch = 1;
        while (remaining > 0) {
            int size = Math.min(batch, remaining);
            AtomicReference<ApiException> failed = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        ObjectNode created = podClient.create(key.namespace(), template);
                        events.normal(key.cell(), owner, kind.component(), "SuccessfulCreate",
                                "Created pod: " + created.path("metadata").path("name").asText());
                    } catch (ApiException e) {
                        failed.compareAndSet(null, e);
                    }
                }));
            }
            joinAll(threads);
            if (failed.get() != null) {
                String message = "Error creating: " + failed.get().getMessage();
                events.warning(key.cell(), owner, kind.component(), "FailedCreate", message);
                return message;
            }
            remaining -= size;
            batch *= 2;
        }
        return null;
    }

    private ObjectNode podFromTemplate(ObjectNode owner) {
        JsonNode template = owner.path("spec").path("template");
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", owner.path("metadata").path("name").asText() + "-");
        JsonNode tm = template.path("metadata");
        if (tm.has("labels")) meta.set("labels", tm.get("labels").deepCopy());
        if (tm.has("annotations")) meta.set("annotations", tm.get("annotations").deepCopy());
        if (tm.has("finalizers")) meta.set("finalizers", tm.get("finalizers").deepCopy());
        meta.putArray("ownerReferences").add(Owners.controllerRef(owner));
        pod.set("spec", template.path("spec").deepCopy());
        return pod;
    }

    private void deletePods(ObjectKey key, ObjectNode owner, List<ObjectNode> active, int count) {
        ResourceClient podClient = client.resource(key.cell(), podType);
        List<ObjectNode> victims = active.stream().sorted(PodRanking.LEAST_USEFUL_FIRST).limit(count).toList();
        List<Thread> threads = new ArrayList<>();
        for (ObjectNode pod : victims) {
            String name = pod.path("metadata").path("name").asText();
            threads.add(Thread.ofVirtual().start(() -> {
                if (ignoreGone(() -> podClient.delete(key.namespace(), name,
                        new DeleteOptions(Owners.uid(pod), "", -1, "", false))) != null) {
                    events.normal(key.cell(), owner, kind.component(), "SuccessfulDelete", "Deleted pod: " + name);
                }
            }));
        }
        joinAll(threads);
    }

    private Result updateStatus(ObjectKey key, ObjectNode owner, List<ObjectNode> active, String failure) {
        Instant now = clock.instant();
        long minReady = owner.path("spec").path("minReadySeconds").asLong(0);
        JsonNode templateLabels = owner.path("spec").path("template").path("metadata").path("labels");
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        Instant nextAvailable = null;
        for (ObjectNode pod : active) {
            JsonNode labels = pod.path("metadata").path("labels");
            boolean all = true;
            for (var e : templateLabels.properties()) all &= e.getValue().equals(labels.path(e.getKey()));
            if (all) fullyLabeled++;
            if (Pods.isReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, minReady, now)) available++;
                else {
                    Instant at = Pods.readySince(pod).plusSeconds(minReady);
                    if (nextAvailable == null || at.isBefore(nextAvailable)) nextAvailable = at;
                }
            }
        }
        JsonNode old = owner.path("status");
        ObjectNode status = Json.object();
        status.put("replicas", active.size());
        if (fullyLabeled > 0) status.put("fullyLabeledReplicas", fullyLabeled);
        if (ready > 0) status.put("readyReplicas", ready);
        if (available > 0) status.put("availableReplicas", available);
        status.put("observedGeneration", owner.path("metadata").path("generation").asLong(1));
        ArrayNode conditions = conditions(old, failure, now);
        if (!conditions.isEmpty()) status.set("conditions", conditions);
        if (!Json.sameValues(status, old)) {
            ObjectNode next = owner.deepCopy();
            next.withObject("metadata").remove("resourceVersion"); // status is ours alone: no need to guard it
            next.set("status", status);
            ignoreGone(() -> client.resource(key.cell(), kind.type()).updateStatus(next));
        }
        if (nextAvailable != null) {
            return Result.requeueAfter(Duration.between(now, nextAvailable).plusMillis(500));
        }
        return Result.done();
    }

    private static ArrayNode conditions(JsonNode old, String failure, Instant now) {
        ArrayNode out = Json.object().arrayNode();
        JsonNode previous = null;
        for (JsonNode c : old.path("conditions")) {
            if (c.path("type").asText().equals("ReplicaFailure")) previous = c;
            else out.add(c);
        }
        if (failure != null) {
            ObjectNode c = out.addObject();
            c.put("type", "ReplicaFailure");
            c.put("status", "True");
            c.put("lastTransitionTime", previous != null ? previous.path("lastTransitionTime").asText()
                    : now.truncatedTo(ChronoUnit.SECONDS).toString());
            c.put("reason", "FailedCreate");
            c.put("message", failure);
        }
        return out;
    }


}
