package dev.pier.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import dev.pier.apiserver.errors.ApiException;

/** JSON patch, RFC 6902, applied by zjsonpatch; failures become Kubernetes-style errors. */
public final class JsonPatch {
    private JsonPatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw ApiException.badRequest("a JSON patch must be a list of operations");
        }
        try {
            return com.flipkart.zjsonpatch.JsonPatch.apply(patch, target);
        } catch (InvalidJsonPatchException e) {
            throw ApiException.badRequest("invalid JSON patch: " + e.getMessage());
        } catch (JsonPatchApplicationException e) {
            throw ApiException.unprocessable("the JSON patch could not be applied: " + e.getMessage());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("invalid JSON patch: " + e.getMessage());
        }
    }
}
