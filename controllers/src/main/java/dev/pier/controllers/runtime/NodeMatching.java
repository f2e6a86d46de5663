package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * Node selection rules: nodeSelector, node affinity terms (matchExpressions on labels, matchFields on
 * the name) and taints against tolerations. The scheduler filters with them, and the DaemonSet
 * controller decides with the same rules which nodes should run a daemon pod.
 */
public final class NodeMatching {
    private NodeMatching() {
    }

    /** nodeSelector and required node affinity. */
    public static boolean matchesRequired(JsonNode pod, JsonNode node) {
        JsonNode labels = node.path("metadata").path("labels");
        for (Map.Entry<String, JsonNode> e : pod.path("spec").path("nodeSelector").properties()) {
            if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) return false;
        }
        JsonNode required = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
        if (!required.isArray() || required.isEmpty()) return true;
        for (JsonNode term : required) if (matchesTerm(term, node)) return true; // terms are ORed
        return false;
    }

    /** One node selector term: every expression and field requirement holds (an empty term matches nothing). */
    public static boolean matchesTerm(JsonNode term, JsonNode node) {
        JsonNode exprs = term.path("matchExpressions");
        JsonNode fields = term.path("matchFields");
        if (exprs.isEmpty() && fields.isEmpty()) return false;
        JsonNode labels = node.path("metadata").path("labels");
        for (JsonNode e : exprs) if (!requirement(e, labels.get(e.path("key").asText()))) return false;
        for (JsonNode f : fields) {
            JsonNode value = f.path("key").asText().equals("metadata.name") ? node.path("metadata").path("name") : null;
            if (!requirement(f, value)) return false;
        }
        return true;
    }

    private static boolean requirement(JsonNode expr, JsonNode value) {
        String op = expr.path("operator").asText();
        String v = value == null || value.isNull() ? null : value.asText();
        switch (op) {
            case "Exists":
                return v != null;
            case "DoesNotExist":
                return v == null;
            case "In":
            case "NotIn": {
                boolean in = false;
                for (JsonNode x : expr.path("values")) in |= x.asText().equals(v);
                return op.equals("In") ? v != null && in : !in;
            }
            case "Gt":
            case "Lt": {
                if (v == null || expr.path("values").size() != 1) return false;
                try {
                    long have = Long.parseLong(v);
                    long bound = Long.parseLong(expr.path("values").get(0).asText());
                    return op.equals("Gt") ? have > bound : have < bound;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            default:
                return false;
        }
    }

    /** The first taint with one of these effects that no toleration of the pod tolerates; null when all are. */
    public static JsonNode untoleratedTaint(JsonNode pod, JsonNode node, java.util.Set<String> effects) {
        for (JsonNode taint : node.path("spec").path("taints")) {
            if (!effects.contains(taint.path("effect").asText())) continue;
            if (!tolerated(pod, taint)) return taint;
        }
        return null;
    }

    public static boolean tolerated(JsonNode pod, JsonNode taint) {
        for (JsonNode t : pod.path("spec").path("tolerations")) if (tolerates(t, taint)) return true;
        return false;
    }

    /** Kubernetes' ToleratesTaint. */
    public static boolean tolerates(JsonNode toleration, JsonNode taint) {
        String effect = toleration.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) return false;
        String key = toleration.path("key").asText("");
        String operator = toleration.path("operator").asText("Equal");
        if (operator.equals("Exists")) return key.isEmpty() || key.equals(taint.path("key").asText());
        return key.equals(taint.path("key").asText()) && toleration.path("value").asText("").equals(taint.path("value").asText(""));
    }

    /** How Kubernetes prints a taint in scheduling messages: {key: value}. */
    public static String describe(JsonNode taint) {
        return "{" + taint.path("key").asText() + ": " + taint.path("value").asText("") + "}";
    }
}
