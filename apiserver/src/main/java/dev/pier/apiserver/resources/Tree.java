package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small, forgiving accessors for object trees. Bodies reach strategies after only unknown fields were
 * pruned, so a value may have the wrong JSON type; these helpers treat such a value as absent rather
 * than throwing, and leave the complaint to validation.
 */
public final class Tree {
    private Tree() {
    }

    /** The object under {@code field}, created (or replacing a non-object) when missing. */
    public static ObjectNode obj(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    /** The object under {@code field}, or null. */
    public static ObjectNode objOrNull(JsonNode parent, String field) {
        return parent != null && parent.get(field) instanceof ObjectNode o ? o : null;
    }

    /** A deep copy of an object node; an empty object when {@code n} is not one. */
    public static ObjectNode copyOf(JsonNode n) {
        return n instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /** The elements of the array under {@code field} that are objects; empty when there is no array. */
    public static List<ObjectNode> objects(JsonNode parent, String field) {
        List<ObjectNode> out = new ArrayList<>();
        if (parent != null && parent.get(field) instanceof ArrayNode a) {
            for (JsonNode n : a) if (n instanceof ObjectNode o) out.add(o);
        }
        return out;
    }

    /** The elements of the array under {@code field} (every element, to keep indexes right); empty when none. */
    public static List<JsonNode> items(JsonNode parent, String field) {
        List<JsonNode> out = new ArrayList<>();
        if (parent != null && parent.get(field) instanceof ArrayNode a) a.forEach(out::add);
        return out;
    }

    /** The text of a scalar field, "" when missing, null or not a scalar. */
    public static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isValueNode() && !n.isNull() ? n.asText() : "";
    }

    /** Whether the field is present and not null. */
    public static boolean isSet(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && !n.isNull();
    }

    /** A whole number, or {@code otherwise} when missing or not a number. */
    public static long number(JsonNode parent, String field, long otherwise) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isIntegralNumber() ? n.asLong() : otherwise;
    }

    public static boolean bool(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isBoolean() && n.asBoolean();
    }

    /** Sets a string when it is missing, null or empty: Kubernetes defaults a string's zero value. */
    public static void defaultText(ObjectNode o, String field, String value) {
        if (text(o, field).isEmpty()) o.put(field, value);
    }

    /** Sets a number when missing or null (Kubernetes defaults pointers, so an explicit 0 stays). */
    public static void defaultNumber(ObjectNode o, String field, long value) {
        if (!isSet(o, field)) putNumber(o, field, value);
    }

    /** Puts a number as the JSON parser would read it back (an int when it fits), so trees compare equal. */
    public static void putNumber(ObjectNode o, String field, long value) {
        if (value == (int) value) o.put(field, (int) value);
        else o.put(field, value);
    }

    public static void defaultBool(ObjectNode o, String field, boolean value) {
        if (!isSet(o, field)) o.put(field, value);
    }

    /** Sets an empty object when missing or null. */
    public static void defaultObject(ObjectNode o, String field) {
        if (!isSet(o, field)) o.putObject(field);
    }

    /** The string entries of a map-valued field (labels, selectors, data), sorted by key. */
    public static Map<String, String> stringMap(JsonNode map) {
        Map<String, String> out = new TreeMap<>();
        if (map instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                var e = it.next();
                out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return out;
    }

    /** The number of entries of a map- or array-valued field; 0 when missing. */
    public static int size(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && (n.isObject() || n.isArray()) ? n.size() : 0;
    }

    /**
     * Two possibly missing values are equal, a missing value counting as null and numbers compared by
     * value (a defaulted 30 and a parsed 30 are different node classes but the same field).
     */
    public static boolean same(JsonNode a, JsonNode b) {
        boolean aNone = a == null || a.isNull() || a.isMissingNode();
        boolean bNone = b == null || b.isNull() || b.isMissingNode();
        if (aNone || bNone) return aNone == bNone;
        return a.equals(SEMANTIC, b);
    }

    private static final Comparator<JsonNode> SEMANTIC = (x, y) -> {
        if (x.isNumber() && y.isNumber()) return x.decimalValue().compareTo(y.decimalValue());
        return x.equals(y) ? 0 : 1;
    };
}
