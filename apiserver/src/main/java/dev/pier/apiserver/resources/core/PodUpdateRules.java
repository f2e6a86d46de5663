package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Tree;

import java.util.ArrayList;
import java.util.List;

/**
 * What an update may change in a running pod's spec (Kubernetes' ValidatePodUpdate): container images,
 * a shorter activeDeadlineSeconds, added tolerations and fewer scheduling gates. Anything else is one
 * Forbidden error on {@code spec} with the list of what is updatable and a short diff.
 */
final class PodUpdateRules {
    static final String UPDATABLE = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
            + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private PodUpdateRules() {
    }

    static List<FieldError> validate(ObjectNode pod, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode newSpec = pod.path("spec");
        JsonNode oldSpec = old.path("spec");
        for (String list : List.of("containers", "initContainers")) {
            List<JsonNode> now = Tree.items(newSpec, list);
            if (now.size() != Tree.items(oldSpec, list).size()) {
                errs.add(FieldError.forbidden(spec.child(list), "pod updates may not add or remove containers"));
                return errs;
            }
            for (int i = 0; i < now.size(); i++) {
                if (Tree.text(now.get(i), "image").isEmpty()) errs.add(FieldError.required(spec.child(list).index(i).child("image"), ""));
            }
        }
        activeDeadline(errs, newSpec, oldSpec, spec.child("activeDeadlineSeconds"));
        tolerations(errs, newSpec, oldSpec, spec.child("tolerations"));

        ObjectNode munged = newSpec.deepCopy();
        for (String list : List.of("containers", "initContainers")) {
            List<JsonNode> was = Tree.items(oldSpec, list);
            List<ObjectNode> now = Tree.objects(munged, list);
            for (int i = 0; i < now.size() && i < was.size(); i++) {
                if (was.get(i).has("image")) now.get(i).set("image", was.get(i).get("image"));
                else now.get(i).remove("image");
            }
        }
        for (String f : List.of("activeDeadlineSeconds", "tolerations", "schedulingGates")) {
            if (oldSpec.has(f)) munged.set(f, oldSpec.get(f));
            else munged.remove(f);
        }
        if (!Tree.same(munged, oldSpec)) {
            errs.add(FieldError.forbidden(spec, UPDATABLE + "\n" + SpecDiff.render("core.PodSpec", oldSpec, munged)));
        }
        return errs;
    }

    private static void activeDeadline(List<FieldError> errs, JsonNode now, JsonNode old, FieldPath path) {
        if (!Tree.isSet(old, "activeDeadlineSeconds")) return;
        if (!Tree.isSet(now, "activeDeadlineSeconds")) {
            errs.add(FieldError.invalid(path, null, "must not update from a positive integer to nil value"));
        } else if (Tree.number(now, "activeDeadlineSeconds", 0) > Tree.number(old, "activeDeadlineSeconds", 0)) {
            errs.add(FieldError.invalid(path, Tree.number(now, "activeDeadlineSeconds", 0), "must be less than or equal to previous value"));
        }
    }

    /** Existing tolerations stay; only their tolerationSeconds may change. */
    private static void tolerations(List<FieldError> errs, JsonNode now, JsonNode old, FieldPath path) {
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode t : Tree.items(now, "tolerations")) kept.add(withoutSeconds(t));
        for (JsonNode t : Tree.items(old, "tolerations")) {
            if (!kept.contains(withoutSeconds(t))) {
                errs.add(FieldError.forbidden(path, "existing toleration can not be modified except its tolerationSeconds"));
                return;
            }
        }
    }

    private static JsonNode withoutSeconds(JsonNode t) {
        if (!(t instanceof ObjectNode o)) return t;
        ObjectNode copy = o.deepCopy();
        copy.remove("tolerationSeconds");
        return copy;
    }
}
