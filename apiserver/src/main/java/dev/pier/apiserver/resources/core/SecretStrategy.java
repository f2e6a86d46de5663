package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Secrets: type Opaque by default, {@code stringData} folded into {@code data} (it is write-only, never
 * stored), data values valid base64, the keys each well-known type requires, at most 1 MiB, {@code type}
 * immutable and {@code immutable} as ConfigMaps.
 */
public final class SecretStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Type", o -> Tree.text(o, "type"))
            .integer("Data", o -> Tree.size(o, "data"))
            .age()
            .build();

    @Override
    public void prepareForCreate(ObjectNode secret) {
        prepare(secret);
    }

    @Override
    public void prepareForUpdate(ObjectNode secret, ObjectNode old) {
        prepare(secret);
    }

    private static void prepare(ObjectNode secret) {
        Tree.defaultText(secret, "type", "Opaque");
        Base64Data.normalise(secret, "data", "Secret");
        if (secret.get("stringData") instanceof ObjectNode strings) {
            ObjectNode data = Tree.obj(secret, "data");
            for (Map.Entry<String, String> e : Tree.stringMap(strings).entrySet()) {
                data.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
        }
        secret.remove("stringData");
    }

    @Override
    public List<FieldError> validate(ObjectNode secret) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath data = FieldPath.root("data");
        DataRules.keys(errs, secret.get("data"), data);
        long size = 0;
        for (String v : Tree.stringMap(secret.get("data")).values()) size += Base64Data.decode(v).length;
        if (size > DataRules.MAX_SIZE) errs.add(FieldError.tooLong(data, DataRules.MAX_SIZE));
        typeRules(errs, secret, data);
        return errs;
    }

    /** The keys the well-known secret types must carry. */
    private static void typeRules(List<FieldError> errs, ObjectNode secret, FieldPath data) {
        Map<String, String> d = Tree.stringMap(secret.get("data"));
        switch (Tree.text(secret, "type")) {
            case "kubernetes.io/service-account-token" -> {
                String key = "kubernetes.io/service-account.name";
                if (Tree.text(secret.path("metadata").path("annotations"), key).isEmpty()) {
                    errs.add(FieldError.required(FieldPath.root("metadata").child("annotations").key(key), ""));
                }
            }
            case "kubernetes.io/dockercfg" -> dockerConfig(errs, d, data, ".dockercfg");
            case "kubernetes.io/dockerconfigjson" -> dockerConfig(errs, d, data, ".dockerconfigjson");
            case "kubernetes.io/basic-auth" -> {
                if (!d.containsKey("username") && !d.containsKey("password")) {
                    errs.add(FieldError.required(data.key("username"), ""));
                    errs.add(FieldError.required(data.key("password"), ""));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (d.getOrDefault("ssh-privatekey", "").isEmpty()) errs.add(FieldError.required(data.key("ssh-privatekey"), ""));
            }
            case "kubernetes.io/tls" -> {
                if (!d.containsKey("tls.crt")) errs.add(FieldError.required(data.key("tls.crt"), ""));
                if (!d.containsKey("tls.key")) errs.add(FieldError.required(data.key("tls.key"), ""));
            }
            default -> {
                // Opaque and custom types carry whatever keys they like.
            }
        }
    }

    private static void dockerConfig(List<FieldError> errs, Map<String, String> d, FieldPath data, String key) {
        if (!d.containsKey(key)) {
            errs.add(FieldError.required(data.key(key), ""));
            return;
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(Base64Data.decode(d.get(key)));
            if (parsed == null || !parsed.isObject()) throw new IllegalArgumentException("not a JSON object");
        } catch (Exception e) {
            errs.add(FieldError.invalid(data.key(key), "<secret contents redacted>", "invalid JSON: " + e.getMessage()));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode secret, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        Check.immutable(errs, secret.get("type"), old.get("type"), FieldPath.root("type"));
        DataRules.immutable(errs, secret, old, List.of("data"));
        errs.addAll(validate(secret));
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, java.util.function.Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("type", o -> Tree.text(o, "type"));
    }
}
