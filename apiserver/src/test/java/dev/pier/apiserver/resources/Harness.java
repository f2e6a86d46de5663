package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs strategies the way the store does, without a store: objects written in YAML, metadata filled as
 * on create, then defaults and validation; errors and table rows in forms easy to assert on.
 */
public final class Harness {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    public static final String UID = "0a6c2f6e-8a0e-4c57-9c3e-6a3b1d2c4e5f";

    private Harness() {
    }

    public static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the store does before a create's validation: identity, timestamps, status reset, defaults. */
    public static ObjectNode created(ResourceStrategy strategy, String yaml) {
        ObjectNode o = yaml(yaml);
        ObjectNode meta = Tree.obj(o, "metadata");
        if (!meta.has("name")) meta.put("name", "x");
        meta.put("uid", UID);
        meta.put("creationTimestamp", "2024-05-01T10:00:00Z");
        if (strategy.resetsStatusOnCreate()) o.remove("status");
        strategy.prepareForCreate(o);
        return o;
    }

    /** Field errors of a create, as {@code field: message} lines. */
    public static List<String> createErrors(ResourceStrategy strategy, String yaml) {
        return render(strategy.validate(created(strategy, yaml)));
    }

    /** Field errors of an update of {@code old} (as created) to the object {@code yaml} describes. */
    public static List<String> updateErrors(ResourceStrategy strategy, ObjectNode old, ObjectNode next) {
        ObjectNode n = next.deepCopy();
        Tree.obj(n, "metadata").setAll((ObjectNode) old.get("metadata").deepCopy());
        if (strategy.hasStatusSubresource()) {
            if (old.has("status")) n.set("status", old.get("status").deepCopy());
            else n.remove("status");
        }
        strategy.prepareForUpdate(n, old);
        return render(strategy.validateUpdate(n, old));
    }

    public static List<String> render(List<FieldError> errors) {
        List<String> out = new ArrayList<>();
        for (FieldError e : errors) out.add(e.field() + ": " + e.message());
        return out;
    }

    /** A table row as column name → cell text. */
    public static Map<String, String> row(TableConvertor table, ObjectNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        var cells = table.cells(object);
        for (int i = 0; i < table.columns().size(); i++) out.put(table.columns().get(i).name(), cells.get(i).asText());
        return out;
    }

    public static String newUid() {
        return UUID.randomUUID().toString();
    }
}
