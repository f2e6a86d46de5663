package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.codec.BodyDecoder;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchSchema;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.patch.Patcher;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.ScaleSubresource;

import java.util.List;

/**
 * The {@code scale} subresource: an {@code autoscaling/v1} Scale view of a workload's replica count.
 * GET renders it; PUT and PATCH change only the replicas of the underlying object, in one guarded
 * update (a resourceVersion in the Scale must match the object's).
 */
final class ScaleHandler {
    private ScaleHandler() {
    }

    static void handle(ApiCall call, ResourceType type, ResourceStore store, String ns, String name) {
        ScaleSubresource scale = type.strategy().scale();
        ObjectNode result = switch (call.method()) {
            case "GET" -> toScale(store.get(ns, name), scale);
            case "PUT" -> {
                ObjectNode submitted = BodyDecoder.decodeObject(call.header("Content-Type"), call.body());
                yield update(call, type, store, ns, name, scale, current -> submitted);
            }
            case "PATCH" -> {
                PatchType patchType = PatchType.of(call.header("Content-Type"));
                if (patchType == PatchType.APPLY) throw ApiException.unsupportedMediaType(patchType.mediaType() + " on scale");
                JsonNode patch = BodyDecoder.decodeTree("application/json", call.body());
                yield update(call, type, store, ns, name, scale, current -> Patcher.apply(patchType, current, patch, PatchSchema.NONE));
            }
            default -> throw ApiException.methodNotAllowed(call.method(), type.groupResource() + "/scale");
        };
        Responses.json(call, 200, result);
    }

    private static ObjectNode update(ApiCall call, ResourceType type, ResourceStore store, String ns, String name,
                                     ScaleSubresource scale, java.util.function.UnaryOperator<ObjectNode> change) {
        String[] expected = {""};
        ObjectNode written = store.guaranteedUpdate(ns, name, "", false, ResourceHandler.writeOptions(call), object -> {
            ObjectNode before = toScale(object, scale);
            ObjectNode after = change.apply(before.deepCopy());
            String rv = after.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty() && !rv.equals(object.path("metadata").path("resourceVersion").asText())) {
                throw ApiException.modified(type.group(), type.resource(), name);
            }
            JsonNode replicas = after.path("spec").path("replicas");
            if (!replicas.isIntegralNumber() || replicas.asLong() < 0 || replicas.asLong() > Integer.MAX_VALUE) {
                throw ApiException.invalid("autoscaling", "Scale", name, List.of(FieldError.invalid(
                        FieldPath.root("spec").child("replicas"), replicas, "must be greater than or equal to 0")));
            }
            ScaleSubresource.write(object, scale.specReplicasPath(), replicas.asInt());
            return object;
        });
        return toScale(written, scale);
    }

    static ObjectNode toScale(ObjectNode object, ScaleSubresource scale) {
        ObjectNode s = Json.object();
        s.put("kind", "Scale");
        s.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        JsonNode m = object.path("metadata");
        for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (m.has(f)) meta.set(f, m.get(f));
        }
        s.putObject("spec").put("replicas", ScaleSubresource.read(object, scale.specReplicasPath()));
        ObjectNode status = s.putObject("status");
        status.put("replicas", ScaleSubresource.read(object, scale.statusReplicasPath()));
        String selector = scale.selector().apply(object);
        if (selector != null && !selector.isEmpty()) status.put("selector", selector);
        return s;
    }
}
