package dev.pier.controllers.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

/**
 * Watches node heartbeats (Leases in {@code kube-node-lease}, and the Ready condition): a node silent for
 * longer than the grace period gets Ready=Unknown, its pods Ready=False, and the
 * {@code node.kubernetes.io/unreachable} NoExecute and NoSchedule taints; a node reporting Ready=False gets
 * the {@code not-ready} ones. The taints go once the node is Ready again. Evicting pods off tainted nodes is
 * {@link TaintEvictionController}'s job.
 */
public final class NodeLifecycleController implements Reconciler<ObjectKey> {
    static final String COMPONENT = "node-controller";

    private final LocalClient client;
    private final Informer nodes;
    private final Informer leases;
    private final Informer pods;
    private final EventRecorder events;
    private final Clock clock;
    private final Duration gracePeriod;

    public NodeLifecycleController(LocalClient client, Informer nodes, Informer leases, Informer pods, EventRecorder events,
                                   WorkQueue<ObjectKey> queue, Clock clock, Duration gracePeriod) {
        this.client = client;
        this.nodes = nodes;
        this.leases = leases;
        this.pods = pods;
        this.events = events;
        this.clock = clock;
        this.gracePeriod = gracePeriod;
        nodes.addHandler(EventHandler.onChange((cell, node) -> queue.add(ObjectKey.of(cell, node))));
        leases.addHandler(EventHandler.onChange((cell, lease) -> {
            if (lease.path("metadata").path("namespace").asText().equals("kube-node-lease")) {
                queue.add(new ObjectKey(cell, "", lease.path("metadata").path("name").asText()));
            }
        }));
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = nodes.get(key);
        if (found.isEmpty()) return Result.done();
        ObjectNode node = found.get();
        JsonNode lease = leases.get(new ObjectKey(key.cell(), "kube-node-lease", key.name())).orElse(null);
        Instant now = clock.instant();
        Instant due = NodeHealth.lastHeartbeat(node, lease).plus(gracePeriod);
        String ready = NodeHealth.readyStatus(node);
        Result result = Result.done();
        if (!now.isBefore(due)) {
            if (!ready.equals("Unknown")) {
                markUnknown(key, node, now);
                ready = "Unknown";
            }
        } else {
            result = Result.requeueAfter(Duration.between(now, due).plusMillis(500));
        }
        syncTaints(key, node, ready, now);
        return result;
    }

    private void markUnknown(ObjectKey key, ObjectNode node, Instant now) {
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode conditions = Json.object().arrayNode();
        for (JsonNode c : node.path("status").path("conditions")) {
            ObjectNode copy = c.deepCopy();
            String type = c.path("type").asText();
            if (type.equals("Ready") || type.endsWith("Pressure")) {
                copy.put("status", "Unknown");
                copy.put("reason", "NodeStatusUnknown");
                copy.put("message", "Kubelet stopped posting node status.");
                copy.put("lastTransitionTime", time);
            }
            conditions.add(copy);
        }
        if (NodeHealth.readyCondition(node) == null) {
            conditions.addObject().put("type", "Ready").put("status", "Unknown").put("reason", "NodeStatusNeverUpdated")
                    .put("message", "Kubelet never posted node status.").put("lastTransitionTime", time).put("lastHeartbeatTime", time);
        }
        ObjectNode patch = Json.object();
        patch.putObject("status").set("conditions", conditions);
        try {
            client.resource(key.cell(), nodes.type()).patch("", key.name(), Owners.uid(node), PatchType.MERGE, patch, true);
        } catch (ApiException e) {
            if (e.code() == 404) return;
            throw e;
        }
        events.normal(key.cell(), node, COMPONENT, "NodeNotReady", "Node " + key.name() + " status is now: NodeNotReady");
        markPodsNotReady(key, now);
    }

    /** The pods of a node that stopped reporting are no longer Ready (their endpoints leave Services). */
    private void markPodsNotReady(ObjectKey node, Instant now) {
        for (ObjectNode pod : pods.listCell(node.cell())) {
            if (!pod.path("spec").path("nodeName").asText().equals(node.name()) || !Pods.isReady(pod)) continue;
            ObjectNode patch = Json.object();
            ObjectNode c = patch.putObject("status").putArray("conditions").addObject();
            c.put("type", "Ready");
            c.put("status", "False");
            c.put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
            c.put("reason", "NodeNotReady");
            c.putNull("lastProbeTime");
            try {
                client.resource(node.cell(), pods.type()).patch(pod.path("metadata").path("namespace").asText(),
                        pod.path("metadata").path("name").asText(), Owners.uid(pod), PatchType.STRATEGIC, patch, true);
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 409) throw e;
            }
        }
    }

    /** Keeps exactly the health taints that match the Ready condition; other taints are the user's. */
    private void syncTaints(ObjectKey key, ObjectNode node, String ready, Instant now) {
        String wantedKey = switch (ready) {
            case "Unknown" -> NodeHealth.UNREACHABLE;
            case "False" -> NodeHealth.NOT_READY;
            default -> null;
        };
        JsonNode taints = node.path("spec").path("taints");
        ArrayNode next = Json.object().arrayNode();
        List<String> have = new ArrayList<>();
        for (JsonNode t : taints) {
            String k = t.path("key").asText();
            boolean health = k.equals(NodeHealth.UNREACHABLE) || k.equals(NodeHealth.NOT_READY);
            if (!health || k.equals(wantedKey)) {
                next.add(t);
                if (health) have.add(t.path("effect").asText());
            }
        }
        if (wantedKey != null) {
            for (String effect : List.of("NoSchedule", "NoExecute")) {
                if (!have.contains(effect)) {
                    next.addObject().put("key", wantedKey).put("effect", effect).put("timeAdded", now.truncatedTo(ChronoUnit.SECONDS).toString());
                }
            }
        }
        if (next.equals(taints.isMissingNode() ? Json.object().arrayNode() : taints)) return;
        ObjectNode patch = Json.object();
        patch.putObject("spec").set("taints", next.isEmpty() ? null : next);
        try {
            client.resource(key.cell(), nodes.type()).patch("", key.name(), Owners.uid(node), PatchType.MERGE, patch, false);
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
    }
}
