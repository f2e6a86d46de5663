package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;

import java.util.List;

/** What ConfigMaps and Secrets share: key rules, the 1 MiB limit and the {@code immutable} flag. */
final class DataRules {
    /** Kubernetes' MaxSecretSize, which bounds ConfigMaps too. */
    static final int MAX_SIZE = 1024 * 1024;
    static final String IMMUTABLE = "field is immutable when `immutable` is set";

    private DataRules() {
    }

    /** Each key of {@code data} must be a valid config key (it becomes a file name in a volume). */
    static void keys(List<FieldError> errs, JsonNode data, FieldPath path) {
        for (String key : Tree.stringMap(data).keySet()) Check.invalid(errs, path.key(key), key, Formats.configKey(key));
    }

    /**
     * Once an object is immutable it stays so, and its data never changes: kubelets stop watching
     * such objects, so a change would never reach the pods that use them.
     */
    static void immutable(List<FieldError> errs, JsonNode now, JsonNode old, List<String> dataFields) {
        if (!Tree.bool(old, "immutable")) return;
        if (!Tree.bool(now, "immutable")) errs.add(FieldError.forbidden(FieldPath.root("immutable"), IMMUTABLE));
        for (String f : dataFields) {
            if (!sameData(now.get(f), old.get(f))) errs.add(FieldError.forbidden(FieldPath.root(f), IMMUTABLE));
        }
    }

    /** A missing map and an empty one hold the same data. */
    private static boolean sameData(JsonNode a, JsonNode b) {
        boolean aEmpty = a == null || a.isNull() || a.isEmpty() && a.isContainerNode();
        boolean bEmpty = b == null || b.isNull() || b.isEmpty() && b.isContainerNode();
        if (aEmpty || bEmpty) return aEmpty == bEmpty;
        return Tree.same(a, b);
    }
}
