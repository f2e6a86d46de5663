package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.storage.KeyValue;

import java.util.function.Function;

/**
 * How objects sit in storage: their JSON without {@code metadata.resourceVersion}, which is the
 * key's modRevision and is put back on every read (as Kubernetes' etcd3 store does).
 */
public final class StoredObjects {
    private StoredObjects() {
    }

    public static byte[] encode(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        ObjectNode meta = copy.withObject("metadata");
        meta.remove("resourceVersion");
        meta.remove("selfLink");
        return Json.bytes(copy);
    }

    public static ObjectNode decode(KeyValue kv) {
        ObjectNode o = Json.parseObject(kv.value());
        o.withObject("metadata").put("resourceVersion", Long.toString(kv.modRevision()));
        return o;
    }

    /**
     * Decodes objects of a type, presenting them at the type's version: a custom resource stored at one
     * version is served at every version of its definition (conversion "None", as Kubernetes does without
     * a webhook).
     */
    public static Function<KeyValue, ObjectNode> decoder(ResourceType type) {
        String apiVersion = type.apiVersion();
        return kv -> {
            ObjectNode o = decode(kv);
            if (!apiVersion.equals(o.path("apiVersion").asText())) o.put("apiVersion", apiVersion);
            return o;
        };
    }
}
