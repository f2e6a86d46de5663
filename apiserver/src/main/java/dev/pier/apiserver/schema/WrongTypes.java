package dev.pier.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds values whose JSON type does not fit their field (a list where a map belongs, a number for a
 * name...). Kubernetes' typed decoding refuses such bodies with a 400 whatever the field validation
 * mode; Pier, which keeps objects as trees, checks them against the schema catalog instead.
 * JSON null is accepted anywhere, as Go decodes it to the zero value.
 */
public final class WrongTypes {
    private WrongTypes() {
    }

    /** @return one line per misfit, e.g. {@code data: expected a map, got an array} */
    public static List<String> find(ResourceType type, ObjectNode body) {
        SchemaCatalog catalog = SchemaCatalog.shared();
        TypeDef root = catalog.kind(type.group(), type.version(), type.kind());
        List<String> wrong = new ArrayList<>(0);
        if (root != null) {
            object(root, body, "", wrong);
        } else if (body.get("metadata") != null) {
            value(new Shape.Ref(catalog.objectMeta()), body.get("metadata"), "metadata", wrong);
        }
        return wrong;
    }

    private static void object(TypeDef type, ObjectNode node, String path, List<String> wrong) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Property p = type.property(e.getKey());
            if (p != null) value(p.shape(), e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), wrong);
        }
    }

    private static void value(Shape shape, JsonNode node, String path, List<String> wrong) {
        if (node.isNull()) return;
        switch (shape) {
            case Shape.Primitive p -> {
                boolean fits = switch (p.type()) {
                    case "string" -> node.isTextual();
                    case "integer" -> node.isIntegralNumber();
                    case "number" -> node.isNumber();
                    case "boolean" -> node.isBoolean();
                    default -> true;
                };
                if (!fits) wrong.add(path + ": expected " + article(p.type()) + ", got " + kind(node));
            }
            case Shape.Ref r -> {
                switch (r.type().form()) {
                    case OBJECT -> {
                        if (node instanceof ObjectNode o) object(r.type(), o, path, wrong);
                        else wrong.add(path + ": expected an object, got " + kind(node));
                    }
                    case DATE_TIME -> {
                        if (!node.isTextual()) wrong.add(path + ": expected a date-time string, got " + kind(node));
                    }
                    case INT_OR_STRING -> {
                        if (!node.isIntegralNumber() && !node.isTextual()) wrong.add(path + ": expected an integer or a string, got " + kind(node));
                    }
                    case QUANTITY -> {
                        if (!node.isTextual() && !node.isNumber()) wrong.add(path + ": expected a quantity, got " + kind(node));
                    }
                    case OPAQUE -> { }
                }
            }
            case Shape.ArrayOf a -> {
                if (!node.isArray()) {
                    wrong.add(path + ": expected a list, got " + kind(node));
                } else {
                    for (int i = 0; i < node.size(); i++) value(a.items(), node.get(i), path + "[" + i + "]", wrong);
                }
            }
            case Shape.MapOf m -> {
                if (!node.isObject()) {
                    wrong.add(path + ": expected a map, got " + kind(node));
                } else {
                    node.fields().forEachRemaining(e -> value(m.values(), e.getValue(), path + "[" + e.getKey() + "]", wrong));
                }
            }
        }
    }

    private static String article(String type) {
        return type.equals("integer") ? "an integer" : "a " + type;
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) return "an object";
        if (n.isArray()) return "a list";
        if (n.isTextual()) return "a string";
        if (n.isBoolean()) return "a boolean";
        if (n.isNumber()) return "a number";
        return "null";
    }
}
