package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.DeleteOptions;
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
import dev.pier.controllers.runtime.SlowStart;
import dev.pier.controllers.runtime.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs one pod of each DaemonSet on every node that should run it, after Kubernetes' DaemonSet controller:
 * pods are created for a node with a required node affinity on its name and bound by the scheduler; they
 * follow nodes as they come, go, are relabelled or tainted; RollingUpdate (maxUnavailable, maxSurge) or
 * OnDelete replace them when the template changes, each template recorded as a ControllerRevision.
 */
public final class DaemonSetController implements Reconciler<ObjectKey> {
    static final String COMPONENT = "daemonset-controller";
    /** At most this many creates or deletes per sync, as Kubernetes' burstReplicas for DaemonSets. */
    static final int BURST = 250;

    private final LocalClient client;
    private final Informer daemonSets;
    private final Informer pods;
    private final Informer nodes;
    private final ControllerHistory history;
    private final EventRecorder events;
    private final WorkQueue<ObjectKey> queue;
    private final Clock clock;
    private final FailedPodBackoff failedPods;

    public DaemonSetController(LocalClient client, Informer daemonSets, Informer revisions, Informer pods, Informer nodes,
                               EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        this.client = client;
        this.daemonSets = daemonSets;
        this.pods = pods;
        this.nodes = nodes;
        this.history = new ControllerHistory(client, revisions);
        this.events = events;
        this.queue = queue;
        this.clock = clock;
        this.failedPods = new FailedPodBackoff(clock);
        daemonSets.addHandler(EventHandler.onChange((cell, ds) -> queue.add(ObjectKey.of(cell, ds))));
        revisions.addHandler(EventHandler.onChange(this::enqueueController));
        pods.addHandler(new PodEvents());
        nodes.addHandler(new NodeEvents());
    }

    // ------------------------------------------------------------------ events: keys only

    private void enqueueController(String cell, JsonNode object) {
        Owners.controllerOf(object).ifPresent(ref -> {
            if (!ref.path("kind").asText().equals("DaemonSet") || !ref.path("apiVersion").asText().equals("apps/v1")) return;
            ObjectKey key = new ObjectKey(cell, object.path("metadata").path("namespace").asText(), ref.path("name").asText());
            daemonSets.get(key).filter(ds -> Owners.uid(ds).equals(ref.path("uid").asText())).ifPresent(ds -> queue.add(key));
        });
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
                Owners.controllerOf(current).ifPresent(ref -> daemonSets.get(new ObjectKey(cell,
                        current.path("metadata").path("namespace").asText(), ref.path("name").asText())).ifPresent(ds -> {
                    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
                    if (minReady > 0) queue.addAfter(ObjectKey.of(cell, ds), Duration.ofSeconds(minReady).plusMillis(500));
                }));
            }
        }

        @Override
        public void onDelete(String cell, ObjectNode last) {
            enqueueFor(cell, last);
        }

        /** The pod's DaemonSet, or every DaemonSet that could adopt it. */
        private void enqueueFor(String cell, ObjectNode pod) {
            if (Owners.controllerOf(pod).isPresent()) {
                enqueueController(cell, pod);
                return;
            }
            if (Owners.isBeingDeleted(pod)) return;
            for (ObjectNode ds : daemonSets.list(cell, pod.path("metadata").path("namespace").asText())) {
                if (selects(ds, pod)) queue.add(ObjectKey.of(cell, ds));
            }
        }
    }

    /** A node that appears, goes, or changes what it accepts may gain or lose daemon pods. */
    private final class NodeEvents implements EventHandler {
        @Override
        public void onAdd(String cell, ObjectNode node) {
            for (ObjectNode ds : daemonSets.listCell(cell)) queue.add(ObjectKey.of(cell, ds));
        }

        @Override
        public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
            if (old.path("metadata").path("labels").equals(current.path("metadata").path("labels"))
                    && old.path("spec").equals(current.path("spec"))) {
                return; // heartbeats and status changes do not change where daemon pods belong
            }
            for (ObjectNode ds : daemonSets.listCell(cell)) {
                NodeEligibility rules = new NodeEligibility(ds);
                if (!rules.check(old).equals(rules.check(current))) queue.add(ObjectKey.of(cell, ds));
            }
        }

        @Override
        public void onDelete(String cell, ObjectNode last) {
            onAdd(cell, last);
        }
    }

    private static boolean selects(JsonNode ds, JsonNode pod) {
        JsonNode selector = ds.path("spec").path("selector");
        return !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, pod.path("metadata").path("labels"));
    }

    // ------------------------------------------------------------------ sync

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = daemonSets.get(key);
        if (found.isEmpty() || Owners.isBeingDeleted(found.get())) return Result.done(); // the garbage collector takes its pods
        ObjectNode ds = found.get();
        ControllerHistory.Current current = history.current(key, ds, history.claim(key, ds));
        String hash = current.hash();
        List<ObjectNode> owned = Adoption.claim(client.resource(key.cell(), pods.type()), ds,
                pods.list(key.cell(), key.namespace()), pod -> selects(ds, pod));
        List<NodePods> byNode = byNode(key, ds, owned);
        Instant now = clock.instant();
        long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
        boolean rolling = ds.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate");
        int desired = (int) byNode.stream().filter(NodePods::shouldRun).count();
        RollingUpdate.Limits limits = rolling ? RollingUpdate.Limits.of(ds, desired) : new RollingUpdate.Limits(0, 0);

        Result result = Result.done();
        Manage.Plan plan = Manage.plan(byNode, hash, limits.maxSurge() > 0, minReady, now);
        List<JsonNode> delete = new ArrayList<>(plan.delete());
        for (JsonNode pod : plan.failed()) {
            String backoffKey = Owners.uid(ds) + "/" + DaemonPods.targetNode(pod);
            Duration wait = failedPods.remaining(backoffKey);
            if (!wait.isZero()) {
                result = result.orSooner(Result.requeueAfter(wait));
                continue;
            }
            failedPods.next(backoffKey);
            events.warning(key.cell(), ds, COMPONENT, "FailedDaemonPod", "Found failed daemon pod " + key.namespace() + "/"
                    + pod.path("metadata").path("name").asText() + " on node " + DaemonPods.targetNode(pod) + ", will try to kill it");
            delete.add(pod);
        }
        boolean changed = write(key, ds, plan.createOn(), delete, hash);
        // a rolling update decides on what this sync's own writes left behind: it waits for the next sync
        if (!changed && rolling) {
            RollingUpdate.Step step = RollingUpdate.step(byNode, limits, hash, DaemonPods.templateGeneration(ds), minReady, now);
            write(key, ds, step.createOn(), step.delete(), hash);
        }
        cleanupHistory(key, ds, current.others(), owned);
        ObjectNode status = DaemonSetStatus.of(ds, byNode, hash, current.collisionCount(), now);
        writeStatus(key, ds, status);
        if (minReady > 0 && status.path("numberReady").asInt() != status.path("numberAvailable").asInt()) {
            result = result.orSooner(Result.requeueAfter(Duration.ofSeconds(minReady)));
        }
        return result;
    }

    /** Every existing node with its verdict and pods, then nodes that are gone but still have pods, by name. */
    private List<NodePods> byNode(ObjectKey key, ObjectNode ds, List<ObjectNode> owned) {
        Map<String, List<JsonNode>> podsByNode = new TreeMap<>();
        for (ObjectNode pod : owned) {
            String phase = Pods.phase(pod);
            if (Owners.isBeingDeleted(pod) && (phase.equals("Succeeded") || phase.equals("Failed"))) continue;
            String node = DaemonPods.targetNode(pod);
            if (node != null) podsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
        }
        NodeEligibility rules = new NodeEligibility(ds);
        Map<String, NodePods> out = new TreeMap<>();
        for (ObjectNode node : nodes.list(key.cell(), "")) {
            String name = node.path("metadata").path("name").asText();
            out.put(name, new NodePods(name, rules.check(node), podsByNode.getOrDefault(name, List.of())));
        }
        podsByNode.forEach((name, list) -> out.putIfAbsent(name, new NodePods(name, null, list)));
        return new ArrayList<>(out.values());
    }

    /** Creates pods for nodes and deletes pods, at most {@link #BURST} of each; whether anything was written. */
    private boolean write(ObjectKey key, ObjectNode ds, List<String> createOn, List<JsonNode> delete, String hash) {
        if (createOn.isEmpty() && delete.isEmpty()) return false;
        ResourceClient podClient = client.resource(key.cell(), pods.type());
        RuntimeException failure = null;
        if (!createOn.isEmpty()) {
            ObjectNode template = DaemonPods.template(ds, hash);
            failure = SlowStart.run(createOn.subList(0, Math.min(BURST, createOn.size())), node -> {
                try {
                    ObjectNode created = podClient.create(key.namespace(), DaemonPods.podFor(ds, template, node));
                    events.normal(key.cell(), ds, COMPONENT, "SuccessfulCreate", "Created pod: " + created.path("metadata").path("name").asText());
                } catch (ApiException e) {
                    events.warning(key.cell(), ds, COMPONENT, "FailedCreate", "Error creating: " + e.getMessage());
                    throw e;
                }
            });
        }
        Set<String> seen = new HashSet<>();
        List<JsonNode> victims = delete.stream().filter(p -> seen.add(Owners.uid(p))).limit(BURST).toList();
        RuntimeException deleteFailure = SlowStart.all(victims, pod -> {
            String name = pod.path("metadata").path("name").asText();
            try {
                podClient.delete(key.namespace(), name, new DeleteOptions(Owners.uid(pod), "", -1, "", false));
                events.normal(key.cell(), ds, COMPONENT, "SuccessfulDelete", "Deleted pod: " + name);
            } catch (ApiException e) {
                if (e.code() != 404) {
                    events.warning(key.cell(), ds, COMPONENT, "FailedDelete", "Error deleting: " + e.getMessage());
                    throw e;
                }
            }
        });
        if (failure == null) failure = deleteFailure;
        if (failure != null) throw failure;
        return true;
    }

    /**
     * Deletes the oldest revisions beyond revisionHistoryLimit, never one that pods still run. As in
     * Kubernetes, the count to delete is taken over every old revision, live ones included.
     */
    private void cleanupHistory(ObjectKey key, ObjectNode ds, List<ObjectNode> old, List<ObjectNode> owned) {
        int toKill = old.size() - ds.path("spec").path("revisionHistoryLimit").asInt(10);
        if (toKill <= 0) return;
        Set<String> live = new HashSet<>();
        for (ObjectNode pod : owned) {
            String h = pod.path("metadata").path("labels").path(ControllerHistory.HASH_LABEL).asText("");
            if (!h.isEmpty()) live.add(h);
        }
        for (ObjectNode revision : old) { // oldest first
            if (toKill <= 0) break;
            if (live.contains(revision.path("metadata").path("labels").path(ControllerHistory.HASH_LABEL).asText())) continue;
            history.delete(key, revision);
            toKill--;
        }
    }

    private void writeStatus(ObjectKey key, ObjectNode ds, ObjectNode status) {
        ObjectNode merged = ds.path("status").isObject() ? ds.path("status").deepCopy() : JsonNodeFactory.instance.objectNode();
        for (String f : List.of("numberAvailable", "numberUnavailable", "updatedNumberScheduled", "collisionCount")) merged.remove(f);
        merged.setAll(status);
        if (Tree.same(merged, ds.path("status"))) return; // numbers compared by value: a long we computed equals the int read back
        ObjectNode next = ds.deepCopy();
        next.withObject("metadata").remove("resourceVersion"); // status is ours alone: no need to guard it
        next.set("status", merged);
        try {
            client.resource(key.cell(), daemonSets.type()).updateStatus(next);
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
    }
}
