package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Places the pods of every cell that name the default scheduler: it keeps a {@link CellState} per cell
 * from the node and pod informers, filters and scores nodes ({@link Placement}), assumes the pod on the
 * chosen node and binds it through {@code pods/binding}. A pod that fits nowhere gets PodScheduled=False
 * with Kubernetes' message and a FailedScheduling event, and is tried again when a node or a pod of its
 * cell changes.
 */
public final class Scheduler implements Reconciler<ObjectKey> {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    public static final String NAME = "default-scheduler";
    /** The annotation that tells the provisioner where a claim's first consumer runs. */
    static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** Unschedulable pods are tried again at least this often, as Kubernetes flushes them. */
    private static final Duration RETRY_UNSCHEDULABLE = Duration.ofMinutes(5);

    private final LocalClient client;
    private final Informer pods;
    private final VolumeInformers volumes;
    private final EventRecorder events;
    private final WorkQueue<ObjectKey> queue;
    private final Clock clock;
    private final Placement.Strategy strategy;
    private final SchedulingMetrics metrics;
    private final Map<String, CellState> cells = new ConcurrentHashMap<>();
    /** pod uid → {attempts, nanoTime of the first attempt}, while the pod waits to be bound. */
    private final Map<String, long[]> attempts = new ConcurrentHashMap<>();

    /** Observes scheduling outcomes, for metrics. */
    public interface SchedulingMetrics {
        SchedulingMetrics NONE = (cell, result, seconds) -> {
        };

        /** @param result scheduled, unschedulable or error */
        void attempt(String cell, String result, double seconds);

        /** A pod was bound after {@code attempts} attempts, the first one {@code secondsSinceFirstAttempt} ago. */
        default void scheduled(String cell, int attempts, double secondsSinceFirstAttempt) {
        }
    }

    /** The informers of what a pod's volumes need: claims, volumes, storage classes, CSI nodes. */
    public record VolumeInformers(Informer claims, Informer volumes, Informer classes, Informer csiNodes) {
    }

    public Scheduler(LocalClient client, Informer nodes, Informer pods, VolumeInformers volumes, EventRecorder events,
                     WorkQueue<ObjectKey> queue, Clock clock, boolean binPacking, SchedulingMetrics metrics) {
        this.client = client;
        this.pods = pods;
        this.volumes = volumes;
        this.events = events;
        this.queue = queue;
        this.clock = clock;
        this.strategy = binPacking ? Placement.Strategy.MOST_ALLOCATED : Placement.Strategy.LEAST_ALLOCATED;
        this.metrics = metrics;
        nodes.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode node) {
                state(cell).nodeChanged(node);
                retryUnschedulable(cell);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                state(cell).nodeChanged(current);
                if (!old.path("spec").equals(current.path("spec")) || !old.path("metadata").path("labels").equals(current.path("metadata").path("labels"))
                        || !old.path("status").path("allocatable").equals(current.path("status").path("allocatable"))) {
                    retryUnschedulable(cell);
                }
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                state(cell).nodeDeleted(last.path("metadata").path("name").asText());
            }
        });
        // a claim bound, a volume made or a node's volume limit changed may let a waiting pod in
        for (Informer i : List.of(volumes.claims(), volumes.volumes(), volumes.classes(), volumes.csiNodes())) {
            i.addHandler(EventHandler.onChange((cell, o) -> retryUnschedulable(cell)));
        }
        pods.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode pod) {
                state(cell).podChanged(pod);
                if (wantsScheduling(pod)) queue.add(ObjectKey.of(cell, pod));
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                state(cell).podChanged(current);
                if (wantsScheduling(current)) {
                    if (!old.path("spec").equals(current.path("spec"))) queue.add(ObjectKey.of(cell, current));
                } else if (!Owners.isBeingDeleted(old) && Owners.isBeingDeleted(current)
                        || !dev.pier.controllers.runtime.Pods.phase(old).equals(dev.pier.controllers.runtime.Pods.phase(current))) {
                    retryUnschedulable(cell); // space may have been freed
                }
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                state(cell).podDeleted(last);
                attempts.remove(Owners.uid(last));
                if (!last.path("spec").path("nodeName").asText("").isEmpty()) retryUnschedulable(cell);
            }
        });
    }

    private CellState state(String cell) {
        return cells.computeIfAbsent(cell, c -> new CellState());
    }

    private void retryUnschedulable(String cell) {
        for (String nsName : state(cell).takeUnschedulable()) {
            int slash = nsName.indexOf('/');
            queue.add(new ObjectKey(cell, nsName.substring(0, slash), nsName.substring(slash + 1)));
        }
    }

    private static boolean wantsScheduling(JsonNode pod) {
        return pod.path("spec").path("nodeName").asText("").isEmpty() && !Owners.isBeingDeleted(pod)
                && pod.path("spec").path("schedulerName").asText(NAME).equals(NAME)
                && pod.path("spec").path("schedulingGates").isEmpty();
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = pods.get(key);
        if (found.isEmpty() || !wantsScheduling(found.get())) return Result.done();
        ObjectNode pod = found.get();
        long started = System.nanoTime();
        long[] tries = attempts.computeIfAbsent(Owners.uid(pod), u -> new long[]{0, started});
        tries[0]++;
        CellState state = state(key.cell());
        // every pod of the cell, across namespaces: affinity, spread and volume counts look at all of them
        Placement placement = new Placement(pod, () -> pods.listCell(key.cell()), strategy);
        VolumeFit volumeFit = dev.pier.controllers.runtime.Pods.claimNames(pod).isEmpty() ? null : VolumeFit.of(key.cell(), pod, volumes.claims(),
                volumes.volumes(), volumes.classes(), volumes.csiNodes(), pods.listCell(key.cell()));
        if (volumeFit != null) placement.withVolumes(volumeFit);
        Placement.Decision decision;
        synchronized (state) {
            // assumed by an earlier sync whose binding the informer has not shown yet: nothing to do
            if (state.isAssigned(pod)) return Result.done();
            Map<String, NodeInfo> byName = new HashMap<>();
            for (NodeInfo n : state.nodes()) byName.put(n.name, n);
            decision = placement.decide(byName.values(), byName);
            if (decision.node() != null) state.assume(pod, decision.node());
        }
        if (decision.node() == null) {
            unschedulable(key, pod, decision.message());
            metrics.attempt(key.cell(), "unschedulable", seconds(started));
            return Result.requeueAfter(RETRY_UNSCHEDULABLE);
        }
        if (volumeFit != null && !selectNode(key, volumeFit, decision.node())) {
            state.forget(pod);
            return Result.requeueAfter(Duration.ofSeconds(1));
        }
        ObjectNode binding = Json.object();
        binding.put("apiVersion", "v1");
        binding.put("kind", "Binding");
        binding.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", decision.node());
        try {
            client.resource(key.cell(), pods.type()).bind(key.namespace(), key.name(), binding);
        } catch (ApiException e) {
            state.forget(pod);
            if (e.code() == 404 || e.code() == 409) { // gone, or bound by someone else
                attempts.remove(Owners.uid(pod));
                return Result.done();
            }
            metrics.attempt(key.cell(), "error", seconds(started));
            throw e;
        }
        state.markScheduled(pod);
        attempts.remove(Owners.uid(pod));
        metrics.attempt(key.cell(), "scheduled", seconds(started));
        metrics.scheduled(key.cell(), (int) tries[0], seconds(tries[1]));
        events.normal(key.cell(), pod, NAME, "Scheduled",
                "Successfully assigned " + key.namespace() + "/" + key.name() + " to " + decision.node());
        LOG.debug("bound {} to {}", key, decision.node());
        return Result.done();
    }

    /**
     * Names the chosen node on the pod's claims that wait for their first consumer, so their volumes are made
     * where the pod runs (Kubernetes' VolumeBinding PreBind). False when a claim changed under us: try again.
     */
    private boolean selectNode(ObjectKey key, VolumeFit fit, String node) {
        for (ObjectNode claim : fit.claimsToProvision()) {
            if (claim.path("metadata").path("annotations").path(SELECTED_NODE).asText("").equals(node)) continue;
            ObjectNode patch = Json.object();
            patch.putObject("metadata").put("resourceVersion", claim.path("metadata").path("resourceVersion").asText())
                    .putObject("annotations").put(SELECTED_NODE, node);
            try {
                client.resource(key.cell(), volumes.claims().type()).patch(key.namespace(), claim.path("metadata").path("name").asText(),
                        PatchType.MERGE, patch, false);
            } catch (ApiException e) {
                if (e.code() == 409 || e.code() == 404) return false;
                throw e;
            }
        }
        return true;
    }

    private void unschedulable(ObjectKey key, ObjectNode pod, String message) {
        CellState state = state(key.cell());
        state.markUnschedulable(pod);
        JsonNode current = dev.pier.controllers.runtime.Pods.condition(pod, "PodScheduled");
        if (current != null && current.path("status").asText().equals("False") && current.path("message").asText().equals(message)) {
            return; // already says so: no new write, no new event
        }
        ObjectNode patch = Json.object();
        ObjectNode condition = patch.putObject("status").putArray("conditions").addObject();
        condition.put("type", "PodScheduled");
        condition.put("status", "False");
        condition.putNull("lastProbeTime");
        condition.put("lastTransitionTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        condition.put("reason", "Unschedulable");
        condition.put("message", message);
        try {
            client.resource(key.cell(), pods.type()).patch(key.namespace(), key.name(), Owners.uid(pod), PatchType.STRATEGIC, patch, true);
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) throw e;
            return;
        }
        events.warning(key.cell(), pod, NAME, "FailedScheduling", message);
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
