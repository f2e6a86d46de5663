package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** ConfigMaps: key rules, no key in both {@code data} and {@code binaryData}, at most 1 MiB, and {@code immutable}. */
public final class ConfigMapStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .integer("Data", o -> Tree.size(o, "data") + Tree.size(o, "binaryData"))
            .age()
            .build();

    @Override
    public void prepareForCreate(ObjectNode cm) {
        Base64Data.normalise(cm, "binaryData", "ConfigMap");
    }

    @Override
    public void prepareForUpdate(ObjectNode cm, ObjectNode old) {
        Base64Data.normalise(cm, "binaryData", "ConfigMap");
    }

    @Override
    public List<FieldError> validate(ObjectNode cm) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode data = cm.get("data");
        JsonNode binary = cm.get("binaryData");
        Map<String, String> text = Tree.stringMap(data);
        Map<String, String> bytes = Tree.stringMap(binary);
        DataRules.keys(errs, data, FieldPath.root("data"));
        for (String key : text.keySet()) {
            if (bytes.containsKey(key)) errs.add(FieldError.invalid(FieldPath.root("data").key(key), key, "duplicate of key present in binaryData"));
        }
        DataRules.keys(errs, binary, FieldPath.root("binaryData"));
        for (String key : bytes.keySet()) {
            if (text.containsKey(key)) errs.add(FieldError.invalid(FieldPath.root("binaryData").key(key), key, "duplicate of key present in data"));
        }
        long size = 0;
        for (String v : text.values()) size += v.getBytes(StandardCharsets.UTF_8).length;
        for (String v : bytes.values()) size += decodedLength(v);
        // Kubernetes reports the whole object as too long, on the empty path.
        if (size > DataRules.MAX_SIZE) errs.add(FieldError.tooLong(FieldPath.root(""), DataRules.MAX_SIZE));
        return errs;
    }

    private static long decodedLength(String base64) {
        try {
            return Base64Data.decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode cm, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        DataRules.immutable(errs, cm, old, List.of("data", "binaryData"));
        errs.addAll(validate(cm));
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
