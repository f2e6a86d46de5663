package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.codec.BodyDecoder;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code PATCH} with {@code Content-Type: application/apply-patch+yaml}: server-side apply. Creates the
 * object when it does not exist (201), else merges the configuration into it (200), tracking field
 * ownership in managedFields; conflicts with other managers answer 409 unless {@code force=true}.
 */
public final class ServerSideApply {
    private static final int MAX_ATTEMPTS = 8;

    private ServerSideApply() {
    }

    /**
     * The outcome: the object and its status code, or a failure Status to answer with its code.
     *
     * @param object  the applied object (null on failure)
     * @param code    201 created, 200 updated, or the failure's code
     * @param failure a Status body, or null
     */
    public record Result(ObjectNode object, int code, ObjectNode failure) {
    }

    /**
     * @param fieldManager the {@code fieldManager} query parameter as sent (required)
     * @param force        the {@code force} query parameter as sent, or null
     * @param options      dryRun and fieldManager of the request
     * @param body         the request body (YAML or JSON)
     * @param validation   field validation of the configuration (Strict fails, Warn warns, unknown fields are dropped)
     */
    public static Result apply(ResourceType type, ResourceStore store, String namespace, String name, boolean statusSubresource,
                               String fieldManager, String force, WriteOptions options, byte[] body,
                               Consumer<ObjectNode> validation) {
        if (fieldManager == null || fieldManager.isEmpty()) {
            throw ApiException.invalid("meta.k8s.io", "PatchOptions", "",
                    List.of(FieldError.required(FieldPath.root("fieldManager"), "is required for apply patch")));
        }
        boolean forced = parseBool(force);
        ObjectNode config = decode(body);
        checkConfig(type, config, namespace, name);
        validation.accept(config);
        WriteOptions writeOptions = new WriteOptions(options.dryRun(), fieldManager, options.fieldValidation(), options.user());
        try {
            for (int attempt = 0; ; attempt++) {
                ObjectNode live = find(store, namespace, name);
                FieldManager.ApplyState state = new FieldManager.ApplyState();
                if (live == null) {
                    if (statusSubresource) throw ApiException.notFound(type.group(), type.resource(), name);
                    FieldManager.Applied applied = FieldManager.applyCreate(type, config, fieldManager, now());
                    state.managedFields = applied.managedFields();
                    try {
                        ObjectNode created = ScopedValue.where(FieldManager.APPLYING, state)
                                .call(() -> store.create(namespace, applied.object(), writeOptions));
                        return new Result(created, 201, null);
                    } catch (ApiException e) {
                        if (e.code() != 409 || !"AlreadyExists".equals(e.reason()) || attempt >= MAX_ATTEMPTS) throw e;
                    }
                } else {
                    String expected = config.path("metadata").path("resourceVersion").asText("");
                    try {
                        ObjectNode updated = ScopedValue.where(FieldManager.APPLYING, state)
                                .call(() -> store.guaranteedUpdate(namespace, name, expected, statusSubresource, writeOptions, current -> {
                                    FieldManager.Applied applied = FieldManager.apply(type, current, config, fieldManager, forced,
                                            statusSubresource, now());
                                    state.managedFields = applied.managedFields();
                                    return applied.object();
                                }));
                        return new Result(updated, 200, null);
                    } catch (ApiException e) {
                        if (e.code() != 404 || attempt >= MAX_ATTEMPTS) throw e;
                    }
                }
            }
        } catch (ApplyConflictException e) {
            return new Result(null, 409, e.toStatus());
        } catch (Structured.InvalidListException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String now() {
        return ManagedFields.now(Instant.now(Clock.systemUTC()));
    }

    private static ObjectNode find(ResourceStore store, String namespace, String name) {
        try {
            return store.get(namespace, name);
        } catch (ApiException e) {
            if (e.code() == 404) return null;
            throw e;
        }
    }

    private static boolean parseBool(String v) {
        if (v == null || v.isEmpty()) return false;
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw ApiException.badRequest("force: invalid value \"" + v + "\": must be true or false");
        };
    }

    private static ObjectNode decode(byte[] body) {
        if (body == null || body.length == 0) throw ApiException.badRequest("the apply patch is empty");
        JsonNode n = BodyDecoder.decodeTree("application/yaml", body);
        if (!(n instanceof ObjectNode o)) throw ApiException.badRequest("error decoding YAML: the apply patch must be an object");
        return o;
    }

    private static void checkConfig(ResourceType type, ObjectNode config, String namespace, String name) {
        String apiVersion = config.path("apiVersion").asText("");
        if (!apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + apiVersion + ", expected: " + type.apiVersion());
        }
        String kind = config.path("kind").asText("");
        if (!kind.equals(type.kind())) {
            throw ApiException.badRequest("Incorrect kind specified in apply patch. Specified patch kind: "
                    + kind + ", expected: " + type.kind());
        }
        JsonNode m = config.get("metadata");
        if (m != null && !m.isNull() && !m.isObject()) throw ApiException.badRequest("metadata must be an object");
        ObjectNode meta = config.withObject("metadata");
        JsonNode mf = meta.get("managedFields");
        if (mf != null && !mf.isNull()) throw ApiException.badRequest("metadata.managedFields must be nil");
        meta.remove("managedFields");
        String inBody = meta.path("name").asText("");
        if (!inBody.isEmpty() && !inBody.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + inBody + ") does not match the name on the URL (" + name + ")");
        }
        meta.put("name", name);
        if (type.namespaced()) {
            String ns = meta.path("namespace").asText("");
            if (!ns.isEmpty() && !ns.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }
    }
}
