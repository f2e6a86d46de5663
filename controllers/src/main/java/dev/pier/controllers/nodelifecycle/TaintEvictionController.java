package dev.pier.controllers.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Evicts pods from nodes with NoExecute taints they do not tolerate, at once, or once their
 * {@code tolerationSeconds} have run out since the taint was added (Kubernetes' taint eviction controller);
 * their controllers then create replacements elsewhere: self-healing. Also removes pods bound to nodes that
 * no longer exist (Kubernetes' pod garbage collector), after a short quarantine.
 */
public final class TaintEvictionController implements Reconciler<ObjectKey> {
    private static final Duration ORPHAN_QUARANTINE = Duration.ofSeconds(40);

    private final LocalClient client;
    private final Informer nodes;
    private final Informer pods;
    private final EventRecorder events;
    private final Clock clock;

    public TaintEvictionController(LocalClient client, Informer nodes, Informer pods, EventRecorder events,
                                   WorkQueue<ObjectKey> queue, Clock clock) {
        this.client = client;
        this.nodes = nodes;
        this.pods = pods;
        this.events = events;
        this.clock = clock;
        pods.addHandler(EventHandler.onChange((cell, pod) -> {
            if (!pod.path("spec").path("nodeName").asText("").isEmpty()) queue.add(ObjectKey.of(cell, pod));
        }));
        nodes.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode node) {
                if (!node.path("spec").path("taints").isEmpty()) enqueuePodsOf(cell, node, queue);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                if (!old.path("spec").path("taints").equals(current.path("spec").path("taints"))) enqueuePodsOf(cell, current, queue);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                enqueuePodsOf(cell, last, queue);
            }
        });
    }

    private void enqueuePodsOf(String cell, JsonNode node, WorkQueue<ObjectKey> queue) {
        String name = node.path("metadata").path("name").asText();
        for (ObjectNode pod : pods.listCell(cell)) {
            if (pod.path("spec").path("nodeName").asText().equals(name)) queue.add(ObjectKey.of(cell, pod));
        }
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = pods.get(key);
        if (found.isEmpty()) return Result.done();
        ObjectNode pod = found.get();
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) return Result.done();
        Instant now = clock.instant();
        Optional<ObjectNode> node = nodes.get(new ObjectKey(key.cell(), "", nodeName));
        if (node.isEmpty()) return collectOrphan(key, pod, now);
        if (Owners.isBeingDeleted(pod)) return Result.done();

        Instant evictAt = null;
        for (JsonNode taint : node.get().path("spec").path("taints")) {
            if (!taint.path("effect").asText().equals("NoExecute")) continue;
            Long seconds = toleratedSeconds(pod, taint);
            if (seconds == null) {
                evictAt = now; // not tolerated at all
                break;
            }
            if (seconds == Long.MAX_VALUE) continue;
            Instant added = parse(taint.path("timeAdded").asText(""), now);
            Instant at = added.plusSeconds(Math.max(seconds, 0));
            if (evictAt == null || at.isBefore(evictAt)) evictAt = at;
        }
        if (evictAt == null) return Result.done();
        if (now.isBefore(evictAt)) return Result.requeueAfter(Duration.between(now, evictAt).plusMillis(200));
        events.normal(key.cell(), pod, "taint-eviction-controller", "TaintManagerEviction",
                "Marking for deletion Pod " + key.namespace() + "/" + key.name());
        delete(key, pod, -1);
        return Result.done();
    }

    /**
     * How long the pod tolerates the taint: null if not at all, Long.MAX_VALUE if forever, else the
     * shortest tolerationSeconds of the tolerations that match.
     */
    private static Long toleratedSeconds(JsonNode pod, JsonNode taint) {
        Long best = null;
        for (JsonNode t : pod.path("spec").path("tolerations")) {
            if (!tolerates(t, taint)) continue;
            long seconds = t.has("tolerationSeconds") && !t.get("tolerationSeconds").isNull()
                    ? t.get("tolerationSeconds").asLong() : Long.MAX_VALUE;
            best = best == null ? seconds : Math.min(best, seconds);
        }
        return best;
    }

    private static boolean tolerates(JsonNode toleration, JsonNode taint) {
        String effect = toleration.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) return false;
        String key = toleration.path("key").asText("");
        if (toleration.path("operator").asText("Equal").equals("Exists")) return key.isEmpty() || key.equals(taint.path("key").asText());
        return key.equals(taint.path("key").asText()) && toleration.path("value").asText("").equals(taint.path("value").asText(""));
    }

    /** A pod whose node is gone will never be stopped by a kubelet: remove it once it has been orphaned a while. */
    private Result collectOrphan(ObjectKey key, ObjectNode pod, Instant now) {
        Instant created = parse(pod.path("metadata").path("creationTimestamp").asText(""), now);
        Instant due = created.plus(ORPHAN_QUARANTINE);
        if (now.isBefore(due)) return Result.requeueAfter(Duration.between(now, due).plusMillis(200));
        delete(key, pod, 0);
        return Result.done();
    }

    private void delete(ObjectKey key, ObjectNode pod, long grace) {
        try {
            client.resource(key.cell(), pods.type()).delete(key.namespace(), key.name(), new DeleteOptions(Owners.uid(pod), "", grace, "", false));
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) throw e;
        }
    }

    private static Instant parse(String text, Instant otherwise) {
        try {
            return text.isEmpty() ? otherwise : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }
}
