package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.storage.KeyValue;

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
}
