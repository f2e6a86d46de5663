package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The small core/v1 kinds, whose rules fit in a few functions: service accounts, limit ranges and quotas. */
public final class CoreKinds {
    private CoreKinds() {
    }

    public static final ResourceStrategy SERVICE_ACCOUNTS = KindStrategy.builder()
            .table(TableConvertor.builder().integer("Secrets", o -> Tree.size(o, "secrets")).age().build())
            .build();

    public static final ResourceStrategy LIMIT_RANGES = KindStrategy.builder()
            .defaults(CoreKinds::limitRangeDefaults)
            .validator(CoreKinds::validateLimitRange)
            .table(TableConvertor.builder().column("Created At", "date", 0, o -> Tree.text(o.path("metadata"), "creationTimestamp")).build())
            .build();

    public static final ResourceStrategy RESOURCE_QUOTAS = KindStrategy.builder().withStatus().generation(false)
            .defaults(o -> {
                Resources.canonicalize(o.path("spec").get("hard"));
            })
            .validator(o -> {
                List<FieldError> errs = new ArrayList<>();
                Resources.validateList(errs, o.path("spec").get("hard"), FieldPath.root("spec").child("hard"));
                List<String> scopes = List.of("BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating",
                        "PriorityClass", "Terminating");
                List<JsonNode> given = Tree.items(o.path("spec"), "scopes");
                for (int i = 0; i < given.size(); i++) {
                    if (!scopes.contains(given.get(i).asText())) {
                        errs.add(FieldError.notSupported(FieldPath.root("spec").child("scopes").index(i), given.get(i).asText(), scopes));
                    }
                }
                return errs;
            })
            .table(TableConvertor.builder().age()
                    .column("Request", o -> quotaUsage(o, false))
                    .column("Limit", o -> quotaUsage(o, true))
                    .build())
            .build();

    /** Container items default their limit to the max, and their request to the limit (or the min). */
    private static void limitRangeDefaults(ObjectNode lr) {
        for (ObjectNode item : Tree.objects(lr.path("spec"), "limits")) {
            for (String f : List.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) Resources.canonicalize(item.get(f));
            if (!Tree.text(item, "type").equals("Container")) continue;
            fill(item, "default", item.get("max"));
            fill(item, "defaultRequest", item.get("default"));
            fill(item, "defaultRequest", item.get("min"));
        }
    }

    private static void fill(ObjectNode item, String field, JsonNode from) {
        if (!(from instanceof ObjectNode source) || source.isEmpty()) return;
        ObjectNode target = Tree.obj(item, field);
        source.fields().forEachRemaining(e -> {
            if (!target.has(e.getKey())) target.set(e.getKey(), e.getValue().deepCopy());
        });
    }

    private static List<FieldError> validateLimitRange(ObjectNode lr) {
        List<FieldError> errs = new ArrayList<>();
        List<JsonNode> limits = Tree.items(lr.path("spec"), "limits");
        for (int i = 0; i < limits.size(); i++) {
            FieldPath p = FieldPath.root("spec").child("limits").index(i);
            Check.oneOf(errs, limits.get(i), "type", p.child("type"), true, List.of("Container", "Pod", "PersistentVolumeClaim"));
            for (String f : List.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) {
                Resources.validateList(errs, limits.get(i).get(f), p.child(f));
            }
        }
        return errs;
    }

    /** {@code cpu: 100m/1, pods: 2/10}: used/hard of each resource, requests and limits in separate columns. */
    private static String quotaUsage(ObjectNode quota, boolean limits) {
        JsonNode hard = quota.path("status").path("hard");
        JsonNode used = quota.path("status").path("used");
        List<String> out = new ArrayList<>();
        for (String resource : new TreeSet<>(Tree.stringMap(hard).keySet())) {
            if (resource.startsWith("limits.") != limits) continue;
            out.add(resource + ": " + Printing.quantity(used.get(resource)) + "/" + Printing.quantity(hard.get(resource)));
        }
        return String.join(", ", out);
    }
}
