package dev.pier.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch: a JSON merge patch in which lists that the type marks as
 * "merge" are merged element by element (objects by their merge key, scalars as sets), steered by the
 * directives kubectl sends: {@code $patch: replace|delete|merge}, {@code $retainKeys},
 * {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>}.
 *
 * <p>Design: one recursive walk over the patch, carrying the {@link PatchSchema} of the current
 * position. Directives are consumed where they stand and never reach the stored object.
 */
public final class StrategicMergePatch {
    private static final String PATCH = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String SET_ORDER = "$setElementOrder/";
    private static final String DELETE_FROM = "$deleteFromPrimitiveList/";

    private StrategicMergePatch() {
    }

    /** Returns the patched object; {@code original} is not modified. */
    public static ObjectNode apply(ObjectNode original, JsonNode patch, PatchSchema schema) {
        if (patch == null || !patch.isObject()) throw ApiException.badRequest("a strategic merge patch must be an object");
        JsonNode result = mergeMap(original.deepCopy(), (ObjectNode) patch, schema);
        if (!(result instanceof ObjectNode o)) throw ApiException.badRequest("the patch may not delete the whole object");
        return o;
    }

    /** @return the merged map, or null when the patch deletes it */
    private static JsonNode mergeMap(ObjectNode original, ObjectNode patch, PatchSchema schema) {
        String directive = patch.path(PATCH).asText("");
        switch (directive) {
            case "delete":
                return null;
            case "replace":
                return stripDirectives(patch);
            case "", "merge":
                break;
            default:
                throw ApiException.badRequest("unknown patch type: " + directive + " in map");
        }
        ObjectNode result = original == null ? JsonNodeFactory.instance.objectNode() : original;
        if (patch.has(RETAIN_KEYS)) {
            Set<String> keep = new HashSet<>();
            patch.get(RETAIN_KEYS).forEach(k -> keep.add(k.asText()));
            result.retain(keep);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals(PATCH) || key.equals(RETAIN_KEYS) || key.startsWith(SET_ORDER)) continue;
            if (key.startsWith(DELETE_FROM)) {
                String field = key.substring(DELETE_FROM.length());
                if (result.get(field) instanceof ArrayNode list) removeValues(list, value);
                continue;
            }
            PatchSchema child = schema.field(key);
            JsonNode current = result.get(key);
            if (value.isNull()) {
                result.remove(key);
            } else if (value.isObject()) {
                JsonNode merged = mergeMap(current instanceof ObjectNode o ? o : null, (ObjectNode) value, child);
                if (merged == null) result.remove(key);
                else result.set(key, merged);
            } else if (value.isArray()) {
                result.set(key, mergeList(current instanceof ArrayNode a ? a : null, (ArrayNode) value, child));
            } else {
                result.set(key, value.deepCopy());
            }
        }
        for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith(SET_ORDER) && result.get(key.substring(SET_ORDER.length())) instanceof ArrayNode list) {
                String field = key.substring(SET_ORDER.length());
                result.set(field, reorder(list, (ArrayNode) patch.get(key), schema.field(field).mergeKey()));
            }
        }
        return result;
    }

    private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, PatchSchema schema) {
        // A list-level directive is an element {"$patch": "replace"}.
        for (JsonNode item : patch) {
            if (item.isObject() && item.size() == 1 && "replace".equals(item.path(PATCH).asText())) {
                ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
                for (JsonNode i : patch) if (!(i.isObject() && i.has(PATCH) && i.size() == 1)) replaced.add(strip(i));
                return replaced;
            }
        }
        if (!schema.mergesList() || original == null) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode i : patch) {
                if (i.isObject() && "delete".equals(i.path(PATCH).asText())) continue;
                out.add(strip(i));
            }
            return out;
        }
        String key = schema.mergeKey();
        ArrayNode result = original.deepCopy();
        if (key == null) {
            // a set of scalars: add what is missing
            for (JsonNode i : patch) if (!contains(result, i)) result.add(i.deepCopy());
            return result;
        }
        for (JsonNode item : patch) {
            if (!item.isObject()) throw ApiException.badRequest("list items merged by \"" + key + "\" must be objects");
            JsonNode id = item.get(key);
            int at = indexOf(result, key, id);
            if ("delete".equals(item.path(PATCH).asText())) {
                if (at >= 0) result.remove(at);
            } else if (at >= 0) {
                JsonNode merged = mergeMap((ObjectNode) result.get(at), (ObjectNode) item, schema);
                if (merged == null) result.remove(at);
                else result.set(at, merged);
            } else {
                JsonNode added = mergeMap(null, (ObjectNode) item, schema);
                if (added != null) result.add(added);
            }
        }
        return result;
    }

    /** Orders a merged list as {@code $setElementOrder} says; items it does not name keep their place after. */
    private static ArrayNode reorder(ArrayNode list, ArrayNode order, String key) {
        List<JsonNode> remaining = new ArrayList<>();
        list.forEach(remaining::add);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode o : order) {
            JsonNode id = key == null ? o : o.get(key);
            for (Iterator<JsonNode> it = remaining.iterator(); it.hasNext(); ) {
                JsonNode item = it.next();
                if (key == null ? item.equals(id) : id != null && id.equals(item.get(key))) {
                    out.add(item);
                    it.remove();
                    break;
                }
            }
        }
        remaining.forEach(out::add);
        return out;
    }

    private static void removeValues(ArrayNode list, JsonNode values) {
        for (JsonNode v : values) {
            for (int i = list.size() - 1; i >= 0; i--) if (list.get(i).equals(v)) list.remove(i);
        }
    }

    private static int indexOf(ArrayNode list, String key, JsonNode id) {
        if (id == null) return -1;
        for (int i = 0; i < list.size(); i++) if (id.equals(list.get(i).get(key))) return i;
        return -1;
    }

    private static boolean contains(ArrayNode list, JsonNode v) {
        for (JsonNode i : list) if (i.equals(v)) return true;
        return false;
    }

    private static JsonNode strip(JsonNode n) {
        return n instanceof ObjectNode o ? stripDirectives(o) : n.deepCopy();
    }

    /** A copy without any {@code $...} directive, at any depth. */
    private static ObjectNode stripDirectives(ObjectNode o) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("$")) continue;
            JsonNode v = e.getValue();
            if (v instanceof ObjectNode child) out.set(e.getKey(), stripDirectives(child));
            else if (v instanceof ArrayNode arr) {
                ArrayNode a = out.putArray(e.getKey());
                arr.forEach(i -> a.add(strip(i)));
            } else out.set(e.getKey(), v.deepCopy());
        }
        return out;
    }
}
