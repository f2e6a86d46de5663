package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A finalizer on an object: checking for it, and copies of the object with it added or removed. */
public final class Finalizers {
    private Finalizers() {}

    public static boolean has(JsonNode object, String finalizer) {
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            if (f.asText().equals(finalizer)) return true;
        }
        return false;
    }

    public static ObjectNode withAdded(ObjectNode object, String finalizer) {
        ObjectNode copy = object.deepCopy();
        ObjectNode meta = copy.withObject("metadata");
        if (!meta.path("finalizers").isArray()) meta.putArray("finalizers");
        ((ArrayNode) meta.get("finalizers")).add(finalizer);
        return copy;
    }

    public static ObjectNode withRemoved(ObjectNode object, String finalizer) {
        ObjectNode copy = object.deepCopy();
        if (copy.path("metadata").path("finalizers") instanceof ArrayNode finalizers) {
            for (int i = finalizers.size() - 1; i >= 0; i--) {
                if (finalizers.get(i).asText().equals(finalizer)) finalizers.remove(i);
            }
        }
        return copy;
    }
}
