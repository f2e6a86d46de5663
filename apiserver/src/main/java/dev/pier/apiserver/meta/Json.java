package dev.pier.apiserver.meta;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper of the API server, and small helpers for reading object trees. */
public final class Json {
    /** Limits nesting so a hostile body cannot exhaust the stack. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode parseObject(byte[] bytes) {
        try {
            return (ObjectNode) MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text at a dotted path such as {@code spec.nodeName}, or "" when missing. */
    public static String text(JsonNode node, String dottedPath) {
        JsonNode n = node;
        for (String part : dottedPath.split("\\.")) n = n.path(part);
        return n.isValueNode() ? n.asText() : "";
    }

    /** The object at a path, created on the way if missing. */
    public static ObjectNode with(ObjectNode node, String... path) {
        ObjectNode n = node;
        for (String p : path) {
            JsonNode child = n.get(p);
            n = child instanceof ObjectNode o ? o : n.putObject(p);
        }
        return n;
    }

    /**
     * Whether two trees hold the same values: numbers compare by value, so a parsed 1 (an int node) and a
     * computed 1 (a long node) are the same field, as they are once written as JSON.
     */
    public static boolean sameValues(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) return x.decimalValue().compareTo(y.decimalValue());
        return x.equals(y) ? 0 : 1;
    };
}
