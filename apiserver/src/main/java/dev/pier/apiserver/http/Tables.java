package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.table.TableConvertor;

/**
 * Renders objects as {@code meta.k8s.io/v1} Tables for {@code kubectl get}. Each row carries the
 * object as PartialObjectMetadata by default (kubectl needs it for -A, --show-labels and -L), the whole
 * object with {@code includeObject=Object}, or nothing with {@code None}.
 */
final class Tables {
    private Tables() {
    }

    static ObjectNode ofList(ResourceType type, ObjectNode list, String includeObject, boolean withDefinitions) {
        ObjectNode table = header(list.path("metadata"), type, withDefinitions);
        ArrayNode rows = table.putArray("rows");
        for (JsonNode item : list.path("items")) rows.add(row(type.strategy().table(), (ObjectNode) item, includeObject));
        return table;
    }

    static ObjectNode ofObject(ResourceType type, ObjectNode object, String includeObject, boolean withDefinitions) {
        ObjectNode table = header(object.path("metadata"), type, withDefinitions);
        ObjectNode meta = table.withObject("metadata");
        meta.remove("continue");
        meta.put("resourceVersion", object.path("metadata").path("resourceVersion").asText(""));
        table.putArray("rows").add(row(type.strategy().table(), object, includeObject));
        return table;
    }

    private static ObjectNode header(JsonNode listMeta, ResourceType type, boolean withDefinitions) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = table.putObject("metadata");
        if (listMeta.has("resourceVersion")) meta.set("resourceVersion", listMeta.get("resourceVersion"));
        if (listMeta.has("continue")) meta.set("continue", listMeta.get("continue"));
        table.set("columnDefinitions", withDefinitions ? type.strategy().table().columnDefinitions() : Json.object().arrayNode());
        return table;
    }

    private static ObjectNode row(TableConvertor convertor, ObjectNode object, String includeObject) {
        ObjectNode row = Json.object();
        row.set("cells", convertor.cells(object));
        switch (includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject) {
            case "None" -> { }
            case "Object" -> row.set("object", object);
            case "Metadata" -> {
                ObjectNode partial = row.putObject("object");
                partial.put("kind", "PartialObjectMetadata");
                partial.put("apiVersion", "meta.k8s.io/v1");
                partial.set("metadata", object.path("metadata"));
            }
            default -> throw ApiException.badRequest("includeObject must be one of None, Metadata, Object");
        }
        return row;
    }
}
