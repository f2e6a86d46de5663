package dev.pier.apiserver.nks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON object of a request, read field by field with its type checked. Problems are collected, not
 * thrown one at a time, so that one answer names every bad field; {@link #throwIfInvalid} ends the reading.
 * A JSON {@code null} reads as an absent field. Fields the endpoint does not know are problems too: a
 * misspelt {@code node_cout} must not create a cluster without nodes.
 */
final class RequestBody {
    private final ObjectNode fields;
    private final FieldNames names;
    private final List<Problem> problems = new ArrayList<>();

    private RequestBody(ObjectNode fields, FieldNames names) {
        this.fields = fields;
        this.names = names;
    }

    /**
     * @param accepted the fields the endpoint takes
     * @throws NksException 400 when the body is not a JSON object
     */
    static RequestBody parse(byte[] body, Set<String> accepted, FieldNames names) {
        JsonNode tree;
        try {
            tree = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw NksException.badRequest("the body is not JSON: " + e.getOriginalMessage(), "send a JSON object");
        } catch (java.io.IOException e) {
            throw NksException.badRequest("the body could not be read", "send a JSON object");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw NksException.badRequest("the body must be a JSON object", "send a JSON object, e.g. {\"name\": \"prod\"}");
        }
        RequestBody request = new RequestBody(object, names);
        Set<String> unknown = new TreeSet<>();
        object.fieldNames().forEachRemaining(f -> {
            if (!accepted.contains(f)) unknown.add(f);
        });
        for (String f : unknown) {
            request.problems.add(new Problem(f, f + ": unknown field", "leave it out; this endpoint takes " + new TreeSet<>(accepted)));
        }
        return request;
    }

    boolean has(String name) {
        return fields.hasNonNull(name);
    }

    Optional<String> text(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) return wrongType(name, "a string");
        return Optional.of(v.asText());
    }

    /** A whole number of at least {@code min}. */
    Optional<Integer> integer(String name, int min) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isIntegralNumber() || !v.canConvertToInt()) return wrongType(name, "a whole number");
        if (v.intValue() < min) {
            problem(name, name + ": must be at least " + min + ", not " + v.intValue());
            return Optional.empty();
        }
        return Optional.of(v.intValue());
    }

    Optional<Boolean> bool(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isBoolean()) return wrongType(name, "true or false");
        return Optional.of(v.booleanValue());
    }

    /** An object of string values; Magnum's labels may also be given as numbers or booleans, read as their text. */
    Optional<Map<String, String>> stringMap(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isObject()) return wrongType(name, "an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problem(name + "[" + e.getKey() + "]", name + "[" + e.getKey() + "]: must be a string");
                ok = false;
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    Optional<List<String>> stringList(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isArray()) return wrongType(name, "a list of strings");
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                problem(name + "[" + i + "]", name + "[" + i + "]: must be a string");
                ok = false;
            } else {
                out.add(v.get(i).asText());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** Records a problem with a field; its fix is the field's usual one. */
    void problem(String field, String detail) {
        problems.add(new Problem(field, detail, names.fixOfNksField(baseName(field))));
    }

    void problem(String field, String detail, String fix) {
        problems.add(new Problem(field, detail, fix));
    }

    /** @throws NksException 422 naming every problem found so far */
    void throwIfInvalid() {
        if (!problems.isEmpty()) throw NksException.invalid(problems);
    }

    private <T> Optional<T> wrongType(String name, String expected) {
        problems.add(new Problem(name, name + ": must be " + expected, expected));
        return Optional.empty();
    }

    private static String baseName(String field) {
        int bracket = field.indexOf('[');
        return bracket < 0 ? field : field.substring(0, bracket);
    }
}
