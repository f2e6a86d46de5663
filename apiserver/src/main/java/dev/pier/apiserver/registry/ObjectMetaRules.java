package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of metadata common to every kind: name, labels, annotations, finalizers. */
final class ObjectMetaRules {
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;

    private ObjectMetaRules() {
    }

    /**
     * Drops empty labels, annotations, finalizers and owner references, as Kubernetes' typed decoding
     * does (omitempty), so that "{}" and "absent" store alike and compare equal.
     */
    static void dropEmpty(ObjectNode meta) {
        for (String f : List.of("labels", "annotations", "finalizers", "ownerReferences")) {
            JsonNode v = meta.get(f);
            if (v != null && (v.isNull() || (v.isContainerNode() && v.isEmpty()))) meta.remove(f);
        }
    }

    static List<FieldError> validate(ObjectNode object, NameRule nameRule) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath meta = FieldPath.root("metadata");
        JsonNode m = object.path("metadata");
        String name = m.path("name").asText("");
        if (name.isEmpty()) {
            errors.add(FieldError.required(meta.child("name"), "name or generateName is required"));
        } else {
            String why = nameRule.check(name);
            if (why != null) errors.add(FieldError.invalid(meta.child("name"), name, why));
        }
        JsonNode labels = m.path("labels");
        if (labels.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                var e = it.next();
                checkKey(errors, meta.child("labels"), e.getKey());
                String v = e.getValue().asText();
                if (!e.getValue().isTextual() || v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
                    errors.add(FieldError.invalid(meta.child("labels"), v,
                            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                                    + "and must start and end with an alphanumeric character"));
                }
            }
        }
        JsonNode annotations = m.path("annotations");
        if (annotations.isObject()) {
            long size = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
                var e = it.next();
                checkKey(errors, meta.child("annotations"), e.getKey());
                size += e.getKey().length() + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
            }
            if (size > MAX_ANNOTATIONS_BYTES) errors.add(FieldError.tooLong(meta.child("annotations"), MAX_ANNOTATIONS_BYTES));
        }
        JsonNode finalizers = m.path("finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            String f = finalizers.get(i).asText();
            if (f.isEmpty() || f.length() > 316) {
                errors.add(FieldError.invalid(meta.child("finalizers").index(i), f, "name part must be non-empty"));
            }
        }
        return errors;
    }

    /** Label and annotation keys: an optional DNS subdomain prefix and a slash, then a qualified name. */
    private static void checkKey(List<FieldError> errors, FieldPath path, String key) {
        String name = key;
        int slash = key.lastIndexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || NameRule.DNS_SUBDOMAIN.check(prefix) != null) {
                errors.add(FieldError.invalid(path, key, "prefix part " + NameRule.DNS_SUBDOMAIN.check(prefix.isEmpty() ? "-" : prefix)));
                return;
            }
        }
        if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
            errors.add(FieldError.invalid(path, key,
                    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                            + "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')"));
        }
    }
}
