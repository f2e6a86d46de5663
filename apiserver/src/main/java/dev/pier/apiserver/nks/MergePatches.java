package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.Map;

/** Pieces of JSON merge patches (RFC 7386) for NKS updates, which replace maps where merge patches merge them. */
final class MergePatches {
    private MergePatches() {
    }

    /** A patch value that makes a map exactly {@code next}: every key of {@code current} not in it is set to null. */
    static ObjectNode replaceMap(JsonNode current, Map<String, String> next) {
        ObjectNode patch = Json.object();
        current.fieldNames().forEachRemaining(k -> {
            if (!next.containsKey(k)) patch.putNull(k);
        });
        next.forEach(patch::put);
        return patch;
    }
}
