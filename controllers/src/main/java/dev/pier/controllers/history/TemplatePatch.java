package dev.pier.controllers.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code data} of a DaemonSet's or StatefulSet's ControllerRevision: a strategic merge patch that puts
 * the recorded pod template back, {@code {"spec":{"template":{"$patch":"replace", ...}}}}.
 *
 * <p>kubectl rolls back by sending this patch as it is, and decides that a rollback is not needed by
 * comparing its bytes with the same patch built from the live object by Go's {@code json.Marshal}, which
 * writes map keys sorted. So keys are sorted here at every level, and the revision reads back byte for byte
 * as kubectl builds it (except for the characters Go escapes in strings, {@code < > &}).
 */
public final class TemplatePatch {
    private static final String DIRECTIVE = "$patch";

    private TemplatePatch() {
    }

    /** The patch that restores {@code owner}'s current pod template. */
    public static ObjectNode of(JsonNode owner) {
        ObjectNode template = JsonNodeFactory.instance.objectNode();
        template.put(DIRECTIVE, "replace");
        owner.path("spec").path("template").properties().forEach(e -> template.set(e.getKey(), e.getValue().deepCopy()));
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("spec").set("template", template);
        return (ObjectNode) sorted(data);
    }

    /** The pod template a revision recorded. */
    public static ObjectNode template(JsonNode data) {
        ObjectNode template = data.path("spec").path("template") instanceof ObjectNode t ? t.deepCopy()
                : JsonNodeFactory.instance.objectNode();
        template.remove(DIRECTIVE);
        return template;
    }

    /** {@code owner} as it would be with a revision's template: what Kubernetes' ApplyRevision gives. */
    public static ObjectNode apply(JsonNode owner, JsonNode data) {
        ObjectNode copy = owner.deepCopy();
        copy.withObject("spec").set("template", template(data));
        return copy;
    }

    /** A copy with object keys in byte order at every level, as Go marshals a map. */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(TemplatePatch::compareUtf8);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) out.set(name, sorted(node.get(name)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }

    /** Go compares strings as UTF-8 bytes; Java's compareTo uses UTF-16 units, which differ above U+FFFF. */
    private static int compareUtf8(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
