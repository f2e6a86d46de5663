package dev.pier.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A CRD version's {@code openAPIV3Schema}, used as Kubernetes uses structural schemas: to prune unknown
 * fields, to apply defaults, and to validate (type, required, enum, pattern, bounds on numbers,
 * strings, lists and maps, {@code nullable}, {@code x-kubernetes-int-or-string},
 * {@code x-kubernetes-preserve-unknown-fields}, {@code x-kubernetes-embedded-resource}).
 *
 * <p>Design: three recursive walks over (value, schema) pairs. The root's apiVersion, kind and metadata
 * are left to the generic store, as Kubernetes does.
 */
public final class StructuralSchema {
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private final JsonNode root;

    StructuralSchema(JsonNode root) {
        this.root = root == null || root.isMissingNode() ? null : root;
    }

    /**
     * Removes fields the schema does not define (unless it preserves unknown fields there).
     *
     * @return the removed fields' paths, as strict field validation reports them ({@code spec.foo})
     */
    List<String> prune(ObjectNode object) {
        List<String> pruned = new ArrayList<>();
        if (root != null) pruneObject(object, root, true, "", pruned);
        return pruned;
    }

    /** Prunes an object by a CRD version's schema; see {@link #prune(ObjectNode)}. */
    public static List<String> prune(JsonNode openApiSchema, ObjectNode object) {
        return new StructuralSchema(openApiSchema).prune(object);
    }

    /** Checks an object against an OpenAPI schema as a CRD's (types, enums, bounds); see {@link #validate(ObjectNode)}. */
    public static List<FieldError> validate(JsonNode openApiSchema, ObjectNode object) {
        return new StructuralSchema(openApiSchema).validate(object);
    }

    /** Fills in {@code default} values for missing fields. */
    void applyDefaults(ObjectNode object) {
        if (root == null) return;
        defaults(object, root);
    }

    List<FieldError> validate(ObjectNode object) {
        List<FieldError> errors = new ArrayList<>();
        if (root == null) return errors;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ROOT_FIELDS.contains(e.getKey())) continue;
            JsonNode propSchema = root.path("properties").path(e.getKey());
            if (!propSchema.isMissingNode()) validate(e.getValue(), propSchema, FieldPath.root(e.getKey()), errors);
        }
        for (JsonNode req : root.path("required")) {
            if (!ROOT_FIELDS.contains(req.asText()) && !object.has(req.asText())) {
                errors.add(FieldError.required(FieldPath.root(req.asText()), ""));
            }
        }
        return errors;
    }

    // ------------------------------------------------------------------ pruning

    private static void pruneObject(ObjectNode object, JsonNode schema, boolean isRoot, String path, List<String> pruned) {
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (isRoot && ROOT_FIELDS.contains(e.getKey())) continue;
            JsonNode child = properties.path(e.getKey());
            if (child.isMissingNode() && additional.isObject()) child = additional;
            String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (child.isMissingNode()) {
                if (!preserve && !additional.asBoolean(false)) {
                    it.remove();
                    pruned.add(childPath);
                }
                continue;
            }
            prune(e.getValue(), child, childPath, pruned);
        }
    }

    private static void prune(JsonNode value, JsonNode schema, String path, List<String> pruned) {
        if (schema.path("x-kubernetes-embedded-resource").asBoolean(false) && value instanceof ObjectNode o) {
            pruneObject(o, schema, true, path, pruned);
        } else if (value instanceof ObjectNode o) {
            pruneObject(o, schema, false, path, pruned);
        } else if (value instanceof ArrayNode a && schema.has("items")) {
            for (int i = 0; i < a.size(); i++) prune(a.get(i), schema.get("items"), path + "[" + i + "]", pruned);
        }
    }

    // ------------------------------------------------------------------ defaults

    private static void defaults(JsonNode value, JsonNode schema) {
        if (value instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (!o.has(p.getKey()) && p.getValue().has("default")) o.set(p.getKey(), p.getValue().get("default").deepCopy());
                if (o.has(p.getKey())) defaults(o.get(p.getKey()), p.getValue());
            }
            if (schema.path("additionalProperties").isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!schema.path("properties").has(e.getKey())) defaults(e.getValue(), schema.get("additionalProperties"));
                }
            }
        } else if (value instanceof ArrayNode a && schema.has("items")) {
            for (JsonNode item : a) defaults(item, schema.get("items"));
        }
    }

    // ------------------------------------------------------------------ validation

    private static void validate(JsonNode value, JsonNode schema, FieldPath path, List<FieldError> errors) {
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                errors.add(new FieldError(FieldError.Type.TYPE_INVALID, path, "null", "must be of type " + schema.path("type").asText("object")));
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(new FieldError(FieldError.Type.TYPE_INVALID, path, value, "must be an integer or a string"));
            }
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            errors.add(new FieldError(FieldError.Type.TYPE_INVALID, path, value, "must be of type " + type));
            return;
        }
        if (schema.has("enum")) {
            boolean ok = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : schema.get("enum")) {
                allowed.add(e.asText());
                if (e.equals(value) || e.isNumber() && value.isNumber() && e.decimalValue().compareTo(value.decimalValue()) == 0) ok = true;
            }
            if (!ok) errors.add(FieldError.notSupported(path, value.isTextual() ? value.asText() : value, allowed));
        }
        if (value.isTextual()) checkString(value.asText(), schema, path, errors);
        if (value.isNumber()) checkNumber(value, schema, path, errors);
        if (value instanceof ArrayNode a) {
            if (schema.has("minItems") && a.size() < schema.get("minItems").asInt()) {
                errors.add(FieldError.invalid(path, a.size(), "should have at least " + schema.get("minItems").asInt() + " items"));
            }
            if (schema.has("maxItems") && a.size() > schema.get("maxItems").asInt()) {
                errors.add(new FieldError(FieldError.Type.TOO_LONG, path, null, "must have at most " + schema.get("maxItems").asInt() + " items"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < a.size(); i++) validate(a.get(i), schema.get("items"), path.index(i), errors);
            }
        }
        if (value instanceof ObjectNode o) {
            if (schema.has("minProperties") && o.size() < schema.get("minProperties").asInt()) {
                errors.add(FieldError.invalid(path, o.size(), "should have at least " + schema.get("minProperties").asInt() + " properties"));
            }
            if (schema.has("maxProperties") && o.size() > schema.get("maxProperties").asInt()) {
                errors.add(new FieldError(FieldError.Type.TOO_LONG, path, null, "must have at most " + schema.get("maxProperties").asInt() + " properties"));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode child = schema.path("properties").path(e.getKey());
                if (child.isMissingNode() && schema.path("additionalProperties").isObject()) child = schema.get("additionalProperties");
                if (!child.isMissingNode()) validate(e.getValue(), child, path.child(e.getKey()), errors);
            }
            for (JsonNode req : schema.path("required")) {
                if (!o.has(req.asText())) errors.add(FieldError.required(path.child(req.asText()), ""));
            }
        }
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0;
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static void checkString(String s, JsonNode schema, FieldPath path, List<FieldError> errors) {
        int length = s.codePointCount(0, s.length());
        if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
            errors.add(FieldError.invalid(path, s, "should be at least " + schema.get("minLength").asInt() + " chars long"));
        }
        if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
            errors.add(new FieldError(FieldError.Type.TOO_LONG, path, null, "may not be more than " + schema.get("maxLength").asInt() + " bytes"));
        }
        if (schema.has("pattern")) {
            String pattern = schema.get("pattern").asText();
            try {
                if (!Pattern.compile(pattern).matcher(s).find()) {
                    errors.add(FieldError.invalid(path, s, "should match '" + pattern + "'"));
                }
            } catch (PatternSyntaxException e) {
                errors.add(FieldError.invalid(path, s, "the schema's pattern '" + pattern + "' is not a valid regular expression"));
            }
        }
    }

    private static void checkNumber(JsonNode v, JsonNode schema, FieldPath path, List<FieldError> errors) {
        var n = v.decimalValue();
        if (schema.has("minimum")) {
            var min = schema.get("minimum").decimalValue();
            boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? n.compareTo(min) <= 0 : n.compareTo(min) < 0) {
                errors.add(FieldError.invalid(path, v, "should be greater than " + (exclusive ? "" : "or equal to ") + schema.get("minimum").asText()));
            }
        }
        if (schema.has("maximum")) {
            var max = schema.get("maximum").decimalValue();
            boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? n.compareTo(max) >= 0 : n.compareTo(max) > 0) {
                errors.add(FieldError.invalid(path, v, "should be less than " + (exclusive ? "" : "or equal to ") + schema.get("maximum").asText()));
            }
        }
        if (schema.has("multipleOf")) {
            var m = schema.get("multipleOf").decimalValue();
            if (m.signum() != 0 && n.remainder(m).signum() != 0) {
                errors.add(FieldError.invalid(path, v, "should be a multiple of " + schema.get("multipleOf").asText()));
            }
        }
    }
}
