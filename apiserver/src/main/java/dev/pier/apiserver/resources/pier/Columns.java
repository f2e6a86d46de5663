package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.Tree;

/** Cells the pier.dev tables share. */
final class Columns {
    private Columns() {
    }

    /** A status' {@code nodes} as {@code ready/total}, as NODES columns show it; {@code 0/0} before a controller counted. */
    static String nodes(JsonNode nodes) {
        return Tree.number(nodes, "ready", 0) + "/" + Tree.number(nodes, "total", 0);
    }

    /** {@code <none>} for a value not known yet, as kubectl prints missing addresses. */
    static String orNone(String value) {
        return value.isEmpty() ? "<none>" : value;
    }
}
