package dev.pier.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;

/**
 * Applies a patch of any supported type to the current object. Server-side apply is not here: it
 * needs field ownership and lives in its own class.
 */
public final class Patcher {
    private Patcher() {
    }

    /**
     * @param schema merge knowledge of the kind, for strategic merge patches
     * @return the patched object (a new tree)
     */
    public static ObjectNode apply(PatchType type, ObjectNode current, JsonNode patch, PatchSchema schema) {
        if (patch == null) throw ApiException.badRequest("the patch is empty");
        JsonNode result = switch (type) {
            case JSON -> JsonPatch.apply(current, patch);
            case MERGE -> {
                if (!patch.isObject()) throw ApiException.badRequest("a merge patch must be an object");
                yield MergePatch.apply(current, patch);
            }
            case STRATEGIC -> StrategicMergePatch.apply(current, patch, schema);
            case APPLY -> throw new IllegalArgumentException("server-side apply is not a plain patch");
        };
        if (!(result instanceof ObjectNode o)) throw ApiException.badRequest("the patched document is not an object");
        return o;
    }
}
