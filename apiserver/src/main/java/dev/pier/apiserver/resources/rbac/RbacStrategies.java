package dev.pier.apiserver.resources.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * RBAC kinds. Names are path segments (system:controller:x is a valid role name). Rules need verbs and
 * either resources (with API groups) or, for cluster roles only, non-resource URLs. Bindings need a
 * roleRef in the RBAC group, which never changes: rebinding means a new binding.
 */
public final class RbacStrategies {
    private static final String GROUP = "rbac.authorization.k8s.io";
    private static final TableConvertor ROLE_TABLE = TableConvertor.builder()
            .column("Created At", "date", 0, o -> Tree.text(o.path("metadata"), "creationTimestamp"))
            .build();
    private static final TableConvertor BINDING_TABLE = TableConvertor.builder()
            .column("Role", o -> Tree.text(o.path("roleRef"), "kind") + "/" + Tree.text(o.path("roleRef"), "name"))
            .age()
            .wide("Users", o -> subjects(o, "User"))
            .wide("Groups", o -> subjects(o, "Group"))
            .wide("ServiceAccounts", o -> subjects(o, "ServiceAccount"))
            .build();

    private RbacStrategies() {
    }

    public static final ResourceStrategy ROLES = KindStrategy.builder().names(NameRule.PATH_SEGMENT)
            .validator(o -> rules(o, true)).table(ROLE_TABLE).build();
    public static final ResourceStrategy CLUSTER_ROLES = KindStrategy.builder().names(NameRule.PATH_SEGMENT)
            .validator(o -> rules(o, false)).table(ROLE_TABLE).build();
    public static final ResourceStrategy ROLE_BINDINGS = KindStrategy.builder().names(NameRule.PATH_SEGMENT)
            .validator(o -> binding(o, true)).updateValidator(RbacStrategies::roleRefUnchanged).table(BINDING_TABLE).build();
    public static final ResourceStrategy CLUSTER_ROLE_BINDINGS = KindStrategy.builder().names(NameRule.PATH_SEGMENT)
            .validator(o -> binding(o, false)).updateValidator(RbacStrategies::roleRefUnchanged).table(BINDING_TABLE).build();

    static List<FieldError> rules(ObjectNode role, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        List<JsonNode> rules = Tree.items(role, "rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            FieldPath p = FieldPath.root("rules").index(i);
            if (Tree.size(r, "verbs") == 0) errs.add(FieldError.required(p.child("verbs"), "verbs must contain at least one value"));
            if (Tree.size(r, "nonResourceURLs") > 0) {
                if (namespaced) errs.add(FieldError.invalid(p.child("nonResourceURLs"), r.get("nonResourceURLs"), "namespaced rules cannot apply to non-resource URLs"));
                if (Tree.size(r, "apiGroups") > 0 || Tree.size(r, "resources") > 0 || Tree.size(r, "resourceNames") > 0) {
                    errs.add(FieldError.invalid(p.child("nonResourceURLs"), r.get("nonResourceURLs"),
                            "rules cannot apply to both regular resources and non-resource URLs"));
                }
                continue;
            }
            if (Tree.size(r, "apiGroups") == 0) errs.add(FieldError.required(p.child("apiGroups"), "resource rules must supply at least one api group"));
            if (Tree.size(r, "resources") == 0) errs.add(FieldError.required(p.child("resources"), "resource rules must supply at least one resource"));
        }
        return errs;
    }

    static List<FieldError> binding(ObjectNode binding, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode ref = binding.path("roleRef");
        FieldPath refPath = FieldPath.root("roleRef");
        if (!Tree.text(ref, "apiGroup").equals(GROUP)) errs.add(FieldError.notSupported(refPath.child("apiGroup"), Tree.text(ref, "apiGroup"), List.of(GROUP)));
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(Tree.text(ref, "kind"))) errs.add(FieldError.notSupported(refPath.child("kind"), Tree.text(ref, "kind"), kinds));
        String name = Tree.text(ref, "name");
        if (name.isEmpty()) errs.add(FieldError.required(refPath.child("name"), ""));
        else if (NameRule.PATH_SEGMENT.check(name) != null) errs.add(FieldError.invalid(refPath.child("name"), name, NameRule.PATH_SEGMENT.check(name)));
        List<JsonNode> subjects = Tree.items(binding, "subjects");
        for (int i = 0; i < subjects.size(); i++) subject(errs, subjects.get(i), FieldPath.root("subjects").index(i), namespaced);
        return errs;
    }

    private static void subject(List<FieldError> errs, JsonNode s, FieldPath p, boolean namespaced) {
        String name = Tree.text(s, "name");
        if (name.isEmpty()) errs.add(FieldError.required(p.child("name"), ""));
        String apiGroup = Tree.text(s, "apiGroup");
        switch (Tree.text(s, "kind")) {
            case "ServiceAccount" -> {
                if (!name.isEmpty()) Check.invalid(errs, p.child("name"), name, Formats.dns1123Subdomain(name));
                if (!apiGroup.isEmpty()) errs.add(FieldError.notSupported(p.child("apiGroup"), apiGroup, List.of("")));
                if (!namespaced && Tree.text(s, "namespace").isEmpty()) errs.add(FieldError.required(p.child("namespace"), ""));
            }
            case "User", "Group" -> {
                if (!apiGroup.equals(GROUP)) errs.add(FieldError.notSupported(p.child("apiGroup"), apiGroup, List.of(GROUP)));
            }
            default -> errs.add(FieldError.notSupported(p.child("kind"), Tree.text(s, "kind"), List.of("ServiceAccount", "User", "Group")));
        }
    }

    static List<FieldError> roleRefUnchanged(ObjectNode binding, ObjectNode old) {
        if (Tree.same(binding.get("roleRef"), old.get("roleRef"))) return List.of();
        return List.of(FieldError.invalid(FieldPath.root("roleRef"), binding.get("roleRef"), "cannot change roleRef"));
    }

    /** Subject names of a kind, joined as Kubernetes prints them; service accounts as {@code namespace:name}. */
    static String subjects(ObjectNode binding, String kind) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : Tree.items(binding, "subjects")) {
            if (!Tree.text(s, "kind").equals(kind)) continue;
            out.add(kind.equals("ServiceAccount") ? Tree.text(s, "namespace") + ":" + Tree.text(s, "name") : Tree.text(s, "name"));
        }
        return String.join(", ", out);
    }
}
