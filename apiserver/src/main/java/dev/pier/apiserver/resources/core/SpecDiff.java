package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Tree;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The short diff Kubernetes appends to "may not change" errors on pods and claims, so the user sees
 * which field they touched: one {@code -}/{@code +} pair per changed top-level field of the spec.
 */
final class SpecDiff {
    private SpecDiff() {
    }

    static String render(String typeName, JsonNode old, JsonNode now) {
        Set<String> keys = new LinkedHashSet<>();
        old.fieldNames().forEachRemaining(keys::add);
        now.fieldNames().forEachRemaining(keys::add);
        StringBuilder sb = new StringBuilder("  ").append(typeName).append("{\n");
        for (String k : keys) {
            if (Tree.same(old.get(k), now.get(k))) continue;
            String field = Character.toUpperCase(k.charAt(0)) + k.substring(1);
            if (old.has(k)) sb.append("- \t").append(field).append(": ").append(value(old.get(k))).append(",\n");
            if (now.has(k)) sb.append("+ \t").append(field).append(": ").append(value(now.get(k))).append(",\n");
        }
        return sb.append("  }\n").toString();
    }

    private static String value(JsonNode n) {
        if (n instanceof ArrayNode || n instanceof ObjectNode) return n.toString();
        return n.isTextual() ? "\"" + n.asText() + "\"" : n.asText();
    }
}
