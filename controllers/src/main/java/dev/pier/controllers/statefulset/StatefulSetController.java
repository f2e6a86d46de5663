package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.history.ControllerHistory;
import dev.pier.controllers.runtime.Adoption;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a StatefulSet's pods {@code <set>-<ordinal>} with stable names, hostnames and claims, after
 * Kubernetes' StatefulSet controller: the sync records the template as a ControllerRevision, plans what
 * to do ({@link PodPlan}: OrderedReady or Parallel creation and scale-down, RollingUpdate with partition
 * or OnDelete), carries the plan out, writes status and trims the revision history.
 */
public final class StatefulSetController implements Reconciler<ObjectKey> {
    static final String COMPONENT = "statefulset-controller";

    private final LocalClient client;
    private final Informer statefulSets;
    private final Informer pods;
    private final Informer claims;
    private final ControllerHistory history;
    private final EventRecorder events;
    private final WorkQueue<ObjectKey> queue;
    private final Clock clock;

    public StatefulSetController(LocalClient client, Informer statefulSets, Informer revisions, Informer pods, Informer claims,
                                 EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        this.client = client;
        this.statefulSets = statefulSets;
        this.pods = pods;
        this.claims = claims;
        this.history = new ControllerHistory(client, revisions);
        this.events = events;
        this.queue = queue;
        this.clock = clock;
        statefulSets.addHandler(EventHandler.onChange((cell, set) -> queue.add(ObjectKey.of(cell, set))));
        revisions.addHandler(EventHandler.onChange(this::enqueueController));
        pods.addHandler(new PodEvents());
        // a claim that goes away may unblock a pod waiting for a stale claim of its name to be collected
        claims.addHandler(EventHandler.onChange(this::enqueueClaimOwners));
    }

    // ------------------------------------------------------------------ events: keys only

    private void enqueueController(String cell, JsonNode object) {
        Owners.controllerOf(object).ifPresent(ref -> {
            if (!ref.path("kind").asText().equals("StatefulSet") || !ref.path("apiVersion").asText().equals("apps/v1")) return;
            ObjectKey key = new ObjectKey(cell, object.path("metadata").path("namespace").asText(), ref.path("name").asText());
            statefulSets.get(key).filter(s -> Owners.uid(s).equals(ref.path("uid").asText())).ifPresent(s -> queue.add(key));
        });
    }

    private void enqueueClaimOwners(String cell, JsonNode claim) {
        String name = claim.path("metadata").path("name").asText();
        for (ObjectNode set : statefulSets.list(cell, claim.path("metadata").path("namespace").asText())) {
            String suffix = "-" + set.path("metadata").path("name").asText() + "-";
            for (JsonNode t : set.path("spec").path("volumeClaimTemplates")) {
                if (name.startsWith(t.path("metadata").path("name").asText() + suffix)) {
                    queue.add(ObjectKey.of(cell, set));
                    break;
                }
            }
        }
    }

    private final class PodEvents implements EventHandler {
        @Override
        public void onAdd(String cell, ObjectNode pod) {
            enqueueFor(cell, pod);
        }

        @Override
        public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
            if (!Owners.controllerOf(old).equals(Owners.controllerOf(current))
                    || !old.path("metadata").path("labels").equals(current.path("metadata").path("labels"))) {
                enqueueFor(cell, old);
            }
            enqueueFor(cell, current);
            // a pod that just became ready turns available after minReadySeconds: look again then
            if (!Pods.isReady(old) && Pods.isReady(current)) {
                Owners.controllerOf(current).ifPresent(ref -> statefulSets.get(new ObjectKey(cell,
                        current.path("metadata").path("namespace").asText(), ref.path("name").asText())).ifPresent(set -> {
                    long minReady = set.path("spec").path("minReadySeconds").asLong(0);
                    if (minReady > 0) queue.addAfter(ObjectKey.of(cell, set), Duration.ofSeconds(minReady).plusMillis(500));
                }));
            }
        }

        @Override
        public void onDelete(String cell, ObjectNode last) {
            enqueueFor(cell, last);
        }

        private void enqueueFor(String cell, ObjectNode pod) {
            if (Owners.controllerOf(pod).isPresent()) {
                enqueueController(cell, pod);
                return;
            }
            if (Owners.isBeingDeleted(pod)) return;
            for (ObjectNode set : statefulSets.list(cell, pod.path("metadata").path("namespace").asText())) {
                if (selects(set, pod)) queue.add(ObjectKey.of(cell, set));
            }
        }
    }

    private static boolean selects(JsonNode set, JsonNode pod) {
        JsonNode selector = set.path("spec").path("selector");
        return !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, pod.path("metadata").path("labels"));
    }

    // ------------------------------------------------------------------ sync

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = statefulSets.get(key);
        if (found.isEmpty() || Owners.isBeingDeleted(found.get())) return Result.done(); // the garbage collector takes its pods
        ObjectNode set = found.get();
        List<ObjectNode> revisions = history.claim(key, set);
        List<ObjectNode> members = Adoption.claim(client.resource(key.cell(), pods.type()), set,
                pods.list(key.cell(), key.namespace()), pod -> selects(set, pod) && Ordinals.isMember(set, pod));
        ControllerHistory.Current update = history.current(key, set, revisions);
        JsonNode current = update.revision();
        String currentName = set.path("status").path("currentRevision").asText("");
        for (ObjectNode r : revisions) if (r.path("metadata").path("name").asText().equals(currentName)) current = r;
        Instant now = clock.instant();

        PodPlan.Plan plan = PodPlan.of(set, members, update.name(), new ClaimStateView(key), now);
        String currentRevision = current.path("metadata").path("name").asText();
        ObjectNode status = StatefulSetStatus.of(set, members, currentRevision, update.name(), update.collisionCount(),
                plan.deletesForUpdate(), now);
        try {
            new StatefulPodControl(client, pods.type(), claims, events, key, set, current, update.revision()).carryOut(plan);
        } finally {
            // status and history are kept even when a write failed, as Kubernetes does
            writeStatus(key, set, status);
            truncateHistory(key, set, revisions, Set.of(currentRevision, update.name()), members);
        }
        long minReady = set.path("spec").path("minReadySeconds").asLong(0);
        if (minReady > 0 && status.path("availableReplicas").asInt() != Ordinals.replicas(set)) {
            return Result.requeueAfter(Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    /** Claims as the plan needs to see them, read from the claims informer. */
    private final class ClaimStateView implements PodPlan.ClaimState {
        private final ObjectKey key;

        ClaimStateView(ObjectKey key) {
            this.key = key;
        }

        @Override
        public boolean stale(JsonNode set, int ordinal) {
            if (!ClaimRetention.deleteWhenScaled(set)) return false; // retained claims are meant to be reused
            String podName = Ordinals.podName(set, ordinal);
            for (ObjectNode claim : StatefulPods.claims(set, ordinal)) {
                Optional<ObjectNode> existing = claims.get(key.sibling(claim.path("metadata").path("name").asText()));
                if (existing.isPresent() && ClaimRetention.staleForNewPod(existing.get(), podName)) return true;
            }
            return false;
        }

        @Override
        public boolean matchPolicy(JsonNode set, JsonNode pod) {
            int ordinal = Ordinals.of(pod.path("metadata").path("name").asText());
            for (ObjectNode claim : StatefulPods.claims(set, ordinal)) {
                Optional<ObjectNode> existing = claims.get(key.sibling(claim.path("metadata").path("name").asText()));
                if (existing.isPresent() && !ClaimRetention.upToDate(existing.get(), set, pod)) return false;
            }
            return true;
        }
    }

    private void writeStatus(ObjectKey key, ObjectNode set, ObjectNode status) {
        ObjectNode merged = set.path("status").isObject() ? set.path("status").deepCopy() : JsonNodeFactory.instance.objectNode();
        for (String f : List.of("readyReplicas", "currentReplicas", "updatedReplicas")) merged.remove(f);
        merged.setAll(status);
        if (Tree.same(merged, set.path("status"))) return; // numbers compared by value: a long we computed equals the int read back
        ObjectNode next = set.deepCopy();
        next.withObject("metadata").remove("resourceVersion"); // status is ours alone: no need to guard it
        next.set("status", merged);
        try {
            client.resource(key.cell(), statefulSets.type()).updateStatus(next);
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
    }

    /**
     * Deletes the oldest revisions beyond revisionHistoryLimit that are neither current, nor the update
     * revision, nor run by a pod (Kubernetes' truncateHistory).
     */
    private void truncateHistory(ObjectKey key, ObjectNode set, List<ObjectNode> revisions, Set<String> keep, List<ObjectNode> members) {
        Set<String> live = new HashSet<>(keep);
        live.addAll(StatefulPods.liveRevisions(members));
        List<ObjectNode> historic = new ArrayList<>();
        for (ObjectNode r : revisions) if (!live.contains(r.path("metadata").path("name").asText())) historic.add(r);
        int excess = historic.size() - set.path("spec").path("revisionHistoryLimit").asInt(10);
        for (int i = 0; i < excess; i++) history.delete(key, historic.get(i));
    }
}
