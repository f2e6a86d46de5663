package dev.pier.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.crd.StructuralSchema;
import dev.pier.apiserver.registry.ResourceType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds (and removes) the fields of a body that its kind does not define, at any depth, for
 * {@code fieldValidation}. Paths are written as Kubernetes' strict decoder writes them:
 * {@code spec.template.spec.containers[0].imagee}. Map keys (labels, data, resources.limits ...) are never
 * unknown; free-form values (RawExtension, FieldsV1) and scalars of special types (IntOrString, Quantity,
 * Time) are not looked into. Values of the wrong JSON type are left alone: that is not an unknown field.
 * Kinds without a definition have only their metadata checked.
 */
public final class UnknownFields {
    private UnknownFields() {
    }

    /** @return the paths of unknown fields in the order they appear in the body, e.g. {@code spec.replicass} */
    public static List<String> findAndPrune(ResourceType type, ObjectNode body) {
        SchemaCatalog catalog = SchemaCatalog.shared();
        TypeDef root = catalog.kind(type.group(), type.version(), type.kind());
        List<String> unknown = new ArrayList<>(0);
        StringBuilder path = new StringBuilder(64);
        if (root != null) {
            object(root, body, path, unknown);
        } else {
            if (body.get("metadata") instanceof ObjectNode meta) {
                path.append("metadata");
                object(catalog.objectMeta(), meta, path, unknown);
            }
            // custom resources: what their CRD's structural schema would prune
            if (type.strategy().openApiSchema() != null) unknown.addAll(StructuralSchema.prune(type.strategy().openApiSchema(), body));
        }
        return unknown;
    }

    /** Checks an object body against a type; for tests and other callers that hold a {@link TypeDef}. */
    public static List<String> findAndPrune(TypeDef type, ObjectNode body) {
        List<String> unknown = new ArrayList<>(0);
        object(type, body, new StringBuilder(64), unknown);
        return unknown;
    }

    private static void object(TypeDef type, ObjectNode node, StringBuilder path, List<String> unknown) {
        if (type.form() != TypeDef.Form.OBJECT) return;
        int mark = path.length();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Property p = type.property(e.getKey());
            if (mark > 0) path.append('.');
            path.append(e.getKey());
            if (p == null) {
                unknown.add(path.toString());
                it.remove();
            } else {
                value(p.shape(), e.getValue(), path, unknown);
            }
            path.setLength(mark);
        }
    }

    private static void value(Shape shape, JsonNode node, StringBuilder path, List<String> unknown) {
        if (shape instanceof Shape.Ref r) {
            if (node instanceof ObjectNode o) object(r.type(), o, path, unknown);
        } else if (shape instanceof Shape.ArrayOf a) {
            if (node instanceof ArrayNode array && !(a.items() instanceof Shape.Primitive)) {
                int mark = path.length();
                for (int i = 0; i < array.size(); i++) {
                    path.append('[').append(i).append(']');
                    value(a.items(), array.get(i), path, unknown);
                    path.setLength(mark);
                }
            }
        } else if (shape instanceof Shape.MapOf m) {
            if (node instanceof ObjectNode map && !(m.values() instanceof Shape.Primitive)) {
                int mark = path.length();
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    path.append('.').append(e.getKey());
                    value(m.values(), e.getValue(), path, unknown);
                    path.setLength(mark);
                }
            }
        }
    }
}
