package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.Optional;

/** ownerReferences as controllers use them: who controls an object, and the reference a controller writes. */
public final class Owners {
    private Owners() {
    }

    /** The owner reference with {@code controller: true}, if any. */
    public static Optional<JsonNode> controllerOf(JsonNode object) {
        for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) return Optional.of(ref);
        }
        return Optional.empty();
    }

    /** Whether {@code object} is controlled by the object with this uid. */
    public static boolean isControlledBy(JsonNode object, String ownerUid) {
        return controllerOf(object).map(r -> r.path("uid").asText().equals(ownerUid)).orElse(false);
    }

    /** The reference a controller puts on what it creates: controller and blockOwnerDeletion set. */
    public static ObjectNode controllerRef(JsonNode owner) {
        ObjectNode ref = Json.object();
        ref.put("apiVersion", owner.path("apiVersion").asText());
        ref.put("kind", owner.path("kind").asText());
        ref.put("name", owner.path("metadata").path("name").asText());
        ref.put("uid", owner.path("metadata").path("uid").asText());
        ref.put("controller", true);
        ref.put("blockOwnerDeletion", true);
        return ref;
    }

    /** A merge patch that sets an object's owner references to {@code refs}. */
    public static ObjectNode ownerReferencesPatch(ArrayNode refs) {
        ObjectNode patch = Json.object();
        patch.putObject("metadata").set("ownerReferences", refs);
        return patch;
    }

    public static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asText();
    }

    public static boolean isBeingDeleted(JsonNode object) {
        return object.path("metadata").hasNonNull("deletionTimestamp");
    }
}
