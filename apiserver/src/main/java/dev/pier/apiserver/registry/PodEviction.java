package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.resources.LabelSelectors;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code pods/eviction} subresource: a delete that respects PodDisruptionBudgets, which is how
 * {@code kubectl drain} empties a node. A pod covered by a budget that allows no disruption now is refused
 * with 429 (kubectl retries); otherwise the budget's allowance is taken first (recorded in
 * {@code status.disruptedPods}, so two evictions cannot spend the same allowance) and the pod deleted.
 */
public final class PodEviction {
    private PodEviction() {
    }

    public static void evict(ResourceStore pods, ResourceStore budgets, String namespace, String name, ObjectNode eviction, Clock clock) {
        String evictionName = eviction.path("metadata").path("name").asText("");
        if (!evictionName.isEmpty() && !evictionName.equals(name)) {
            throw ApiException.badRequest("name in URL does not match name in Eviction object");
        }
        ObjectNode pod = pods.get(namespace, name);
        DeleteOptions delete = deleteOptions(eviction.path("deleteOptions"));
        String phase = pod.path("status").path("phase").asText("");
        boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
        // a pod already going, or one that has finished, disrupts nothing more
        if (finished || pod.path("metadata").hasNonNull("deletionTimestamp")) {
            pods.delete(namespace, name, delete);
            return;
        }
        List<ObjectNode> covering = new ArrayList<>();
        for (JsonNode pdb : budgets.list(namespace, ListOptions.all()).path("items")) {
            JsonNode selector = pdb.path("spec").path("selector");
            if (!LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, pod.path("metadata").path("labels"))) {
                covering.add((ObjectNode) pdb);
            }
        }
        if (covering.size() > 1) {
            throw ApiException.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }
        if (!covering.isEmpty()) spendAllowance(budgets, covering.getFirst(), name, clock);
        pods.delete(namespace, name, delete);
    }

    private static void spendAllowance(ResourceStore budgets, ObjectNode pdb, String podName, Clock clock) {
        String budget = pdb.path("metadata").path("name").asText();
        budgets.guaranteedUpdate(pdb.path("metadata").path("namespace").asText(), budget, "", UpdateScope.STATUS,
                WriteOptions.defaults(), current -> {
                    JsonNode status = current.path("status");
                    long generation = current.path("metadata").path("generation").asLong(1);
                    if (status.path("observedGeneration").asLong(0) < generation) {
                        throw ApiException.disruptionBudget(budget, "The disruption budget " + budget
                                + " is still being processed by the server.");
                    }
                    int allowed = status.path("disruptionsAllowed").asInt(0);
                    if (allowed <= 0) {
                        throw ApiException.disruptionBudget(budget, "The disruption budget " + budget + " needs "
                                + status.path("desiredHealthy").asInt() + " healthy pods and has "
                                + status.path("currentHealthy").asInt() + " currently");
                    }
                    ObjectNode s = current.withObject("status");
                    s.put("disruptionsAllowed", allowed - 1);
                    s.withObject("disruptedPods").put(podName, Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
                    return current;
                });
    }

    private static DeleteOptions deleteOptions(JsonNode options) {
        JsonNode pre = options.path("preconditions");
        return new DeleteOptions(pre.path("uid").asText(""), pre.path("resourceVersion").asText(""),
                options.has("gracePeriodSeconds") ? options.path("gracePeriodSeconds").asLong(-1) : -1,
                options.path("propagationPolicy").asText(""), options.path("dryRun").size() > 0);
    }
}
