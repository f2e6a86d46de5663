package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * metav1.LabelSelector as workloads use it ({@code matchLabels} and {@code matchExpressions}): validation,
 * matching a template's labels, and the text Kubernetes prints for it in SELECTOR columns.
 */
public final class LabelSelectors {
    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectors() {
    }

    /** Kubernetes' ValidateLabelSelector. A missing selector is fine here; callers decide if it is required. */
    public static void validate(List<FieldError> errs, JsonNode selector, FieldPath path) {
        if (!(selector instanceof ObjectNode)) return;
        Check.labels(errs, selector.get("matchLabels"), path.child("matchLabels"));
        List<JsonNode> exprs = Tree.items(selector, "matchExpressions");
        for (int i = 0; i < exprs.size(); i++) {
            JsonNode e = exprs.get(i);
            FieldPath p = path.child("matchExpressions").index(i);
            String op = Tree.text(e, "operator");
            int values = Tree.size(e, "values");
            if (op.equals("In") || op.equals("NotIn")) {
                if (values == 0) errs.add(FieldError.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
            } else if (op.equals("Exists") || op.equals("DoesNotExist")) {
                if (values > 0) errs.add(FieldError.forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
            } else {
                errs.add(FieldError.invalid(p.child("operator"), op, "not a valid selector operator"));
            }
            String key = Tree.text(e, "key");
            Check.invalid(errs, p.child("key"), key, Formats.qualifiedName(key));
            List<JsonNode> vs = Tree.items(e, "values");
            for (int j = 0; j < vs.size(); j++) {
                Check.invalid(errs, p.child("values").index(j), vs.get(j).asText(), Formats.labelValue(vs.get(j).asText()));
            }
        }
    }

    /** True when the selector selects nothing in particular: missing, or no labels and no expressions. */
    public static boolean isEmpty(JsonNode selector) {
        return Tree.size(selector, "matchLabels") == 0 && Tree.size(selector, "matchExpressions") == 0;
    }

    /** Whether a set of labels satisfies the selector (an empty selector matches everything). */
    public static boolean matches(JsonNode selector, JsonNode labels) {
        Map<String, String> have = Tree.stringMap(labels);
        for (Map.Entry<String, String> want : Tree.stringMap(selector == null ? null : selector.get("matchLabels")).entrySet()) {
            if (!want.getValue().equals(have.get(want.getKey()))) return false;
        }
        for (JsonNode e : Tree.items(selector, "matchExpressions")) {
            String key = Tree.text(e, "key");
            Set<String> values = new TreeSet<>();
            Tree.items(e, "values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (Tree.text(e, "operator")) {
                case "In" -> have.containsKey(key) && values.contains(have.get(key));
                case "NotIn" -> !have.containsKey(key) || !values.contains(have.get(key));
                case "Exists" -> have.containsKey(key);
                case "DoesNotExist" -> !have.containsKey(key);
                default -> false;
            };
            if (!ok) return false;
        }
        return true;
    }

    /**
     * The selector as Kubernetes prints it ({@code app=web,tier in (a,b),!legacy}): requirements sorted by
     * key, values sorted. An empty or missing selector prints as "".
     */
    public static String format(JsonNode selector) {
        if (!(selector instanceof ObjectNode)) return "";
        // key -> printed requirements; TreeMap keeps the sort by key that Kubernetes' selector applies
        Map<String, List<String>> byKey = new TreeMap<>();
        for (Map.Entry<String, String> e : Tree.stringMap(selector.get("matchLabels")).entrySet()) {
            byKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getKey() + "=" + e.getValue());
        }
        for (JsonNode e : Tree.items(selector, "matchExpressions")) {
            String key = Tree.text(e, "key");
            Set<String> values = new TreeSet<>();
            Tree.items(e, "values").forEach(v -> values.add(v.asText()));
            String op = Tree.text(e, "operator");
            if (!OPERATORS.contains(op)) continue;
            String text = switch (op) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                default -> "!" + key;
            };
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(text);
        }
        List<String> parts = new ArrayList<>();
        byKey.values().forEach(parts::addAll);
        return String.join(",", parts);
    }

    /** A plain label map as Kubernetes prints it ({@code a=1,b=2}, sorted), or {@code <none>} when empty. */
    public static String formatLabels(JsonNode labels) {
        Map<String, String> m = Tree.stringMap(labels);
        if (m.isEmpty()) return "<none>";
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }
}
