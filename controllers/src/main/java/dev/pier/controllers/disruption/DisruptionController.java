package dev.pier.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.controllers.runtime.EventHandler;
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
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps PodDisruptionBudget status current (Kubernetes' disruption controller): how many selected pods are
 * expected and healthy, how many must stay healthy, and so how many disruptions the eviction subresource may
 * allow now. Evictions the API granted but whose pods are not gone yet ({@code disruptedPods}) do not count
 * as healthy, for at most two minutes.
 */
public final class DisruptionController implements Reconciler<ObjectKey> {
    private static final Duration DISRUPTION_TIMEOUT = Duration.ofMinutes(2);

    private final LocalClient client;
    private final Informer budgets;
    private final Informer pods;
    private final Map<String, Informer> owners;
    private final Clock clock;

    /**
     * @param owners informers of pod controllers by kind (ReplicaSet, Deployment, StatefulSet, ReplicationController),
     *               whose replica counts say how many pods a percentage or maxUnavailable counts against
     */
    public DisruptionController(LocalClient client, Informer budgets, Informer pods, Map<String, Informer> owners,
                                WorkQueue<ObjectKey> queue, Clock clock) {
        this.client = client;
        this.budgets = budgets;
        this.pods = pods;
        this.owners = owners;
        this.clock = clock;
        budgets.addHandler(EventHandler.onChange((cell, pdb) -> queue.add(ObjectKey.of(cell, pdb))));
        pods.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode pod) {
                enqueueBudgetsOf(cell, pod, queue);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                enqueueBudgetsOf(cell, current, queue);
                if (!old.path("metadata").path("labels").equals(current.path("metadata").path("labels"))) enqueueBudgetsOf(cell, old, queue);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                enqueueBudgetsOf(cell, last, queue);
            }
        });
    }

    private void enqueueBudgetsOf(String cell, JsonNode pod, WorkQueue<ObjectKey> queue) {
        for (ObjectNode pdb : budgets.list(cell, pod.path("metadata").path("namespace").asText())) {
            if (selects(pdb, pod)) queue.add(ObjectKey.of(cell, pdb));
        }
    }

    private static boolean selects(JsonNode pdb, JsonNode pod) {
        JsonNode selector = pdb.path("spec").path("selector");
        return !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, pod.path("metadata").path("labels"));
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = budgets.get(key);
        if (found.isEmpty()) return Result.done();
        ObjectNode pdb = found.get();
        Instant now = clock.instant();
        List<ObjectNode> selected = new ArrayList<>();
        for (ObjectNode pod : pods.list(key.cell(), key.namespace())) if (selects(pdb, pod)) selected.add(pod);

        JsonNode spec = pdb.path("spec");
        int expected;
        int desired;
        if (spec.has("maxUnavailable")) {
            expected = expectedFromOwners(key, selected);
            desired = expected - resolve(spec.get("maxUnavailable"), expected);
        } else if (spec.path("minAvailable").isTextual()) {
            expected = expectedFromOwners(key, selected);
            desired = resolve(spec.get("minAvailable"), expected);
        } else {
            expected = selected.size();
            desired = spec.path("minAvailable").asInt(0);
        }

        // evictions granted whose pods are still there: not healthy, but only for a while
        ObjectNode disrupted = Json.object();
        Instant nextExpiry = null;
        JsonNode granted = pdb.path("status").path("disruptedPods");
        Map<String, ObjectNode> byName = new HashMap<>();
        for (ObjectNode pod : selected) byName.put(pod.path("metadata").path("name").asText(), pod);
        for (var e : granted.properties()) {
            ObjectNode pod = byName.get(e.getKey());
            Instant at = parse(e.getValue().asText());
            if (pod == null || Owners.isBeingDeleted(pod) || at == null) continue;
            Instant expiry = at.plus(DISRUPTION_TIMEOUT);
            if (!now.isBefore(expiry)) continue;
            disrupted.set(e.getKey(), e.getValue());
            if (nextExpiry == null || expiry.isBefore(nextExpiry)) nextExpiry = expiry;
        }
        int healthy = 0;
        for (ObjectNode pod : selected) {
            if (Pods.isReady(pod) && !Owners.isBeingDeleted(pod) && !disrupted.has(pod.path("metadata").path("name").asText())) healthy++;
        }
        int allowed = Math.max(healthy - desired, 0);

        ObjectNode status = Json.object();
        status.put("observedGeneration", pdb.path("metadata").path("generation").asLong(1));
        if (!disrupted.isEmpty()) status.set("disruptedPods", disrupted);
        status.put("disruptionsAllowed", allowed);
        status.put("currentHealthy", healthy);
        status.put("desiredHealthy", desired);
        status.put("expectedPods", expected);
        JsonNode oldCondition = null;
        for (JsonNode c : pdb.path("status").path("conditions")) if (c.path("type").asText().equals("DisruptionAllowed")) oldCondition = c;
        String value = allowed > 0 ? "True" : "False";
        ObjectNode condition = status.putArray("conditions").addObject();
        condition.put("type", "DisruptionAllowed");
        condition.put("status", value);
        condition.put("reason", allowed > 0 ? "SufficientPods" : "InsufficientPods");
        condition.put("message", "");
        condition.put("observedGeneration", status.path("observedGeneration").asLong());
        condition.put("lastTransitionTime", oldCondition != null && oldCondition.path("status").asText().equals(value)
                ? oldCondition.path("lastTransitionTime").asText() : now.truncatedTo(ChronoUnit.SECONDS).toString());
        if (!Json.sameValues(status, pdb.path("status"))) {
            ObjectNode next = pdb.deepCopy();
            next.withObject("metadata").remove("resourceVersion");
            next.set("status", status);
            try {
                client.resource(key.cell(), budgets.type()).updateStatus(next);
            } catch (ApiException e) {
                if (e.code() != 404) throw e;
            }
        }
        return nextExpiry == null ? Result.done() : Result.requeueAfter(Duration.between(now, nextExpiry).plusSeconds(1));
    }

    /** The replicas the selected pods' controllers want (a Deployment's, not its ReplicaSets'); 1 per uncontrolled pod. */
    private int expectedFromOwners(ObjectKey key, List<ObjectNode> selected) {
        Map<String, Integer> scales = new HashMap<>();
        int loose = 0;
        for (ObjectNode pod : selected) {
            Optional<JsonNode> ref = Owners.controllerOf(pod);
            if (ref.isEmpty()) {
                loose++;
                continue;
            }
            JsonNode owner = owner(key, ref.get());
            if (owner == null) {
                loose++;
                continue;
            }
            // a ReplicaSet of a Deployment counts as its Deployment
            Optional<JsonNode> grand = Owners.controllerOf(owner);
            if (grand.isPresent() && grand.get().path("kind").asText().equals("Deployment")) {
                JsonNode deployment = owner(key, grand.get());
                if (deployment != null) owner = deployment;
            }
            scales.put(Owners.uid(owner), owner.path("spec").path("replicas").asInt(1));
        }
        return scales.values().stream().mapToInt(Integer::intValue).sum() + loose;
    }

    private JsonNode owner(ObjectKey key, JsonNode ref) {
        Informer informer = owners.get(ref.path("kind").asText());
        if (informer == null) return null;
        return informer.get(new ObjectKey(key.cell(), key.namespace(), ref.path("name").asText()))
                .filter(o -> Owners.uid(o).equals(ref.path("uid").asText())).orElse(null);
    }

    /** An int-or-percent; percentages of pods round up, as Kubernetes does for budgets. */
    private static int resolve(JsonNode value, int total) {
        if (value.isIntegralNumber()) return value.asInt();
        String text = value.asText();
        if (text.endsWith("%")) return (int) Math.ceil(Integer.parseInt(text.substring(0, text.length() - 1)) * total / 100.0);
        return Integer.parseInt(text);
    }

    private static Instant parse(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
