package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a cluster's default node group and a NodeGroup both say about their nodes (size, flavor, labels and
 * taints), defaulted and checked one way for both.
 */
final class NodeGroupFields {
    /** The most nodes one group may have: a per-cluster limit until quotas exist. */
    static final int MAX_NODES = 10;
    static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private NodeGroupFields() {
    }

    static void defaults(ObjectNode group, long nodeCount) {
        Tree.defaultNumber(group, "nodeCount", nodeCount);
        Tree.defaultText(group, "flavor", Flavors.DEFAULT.name());
    }

    static void validate(List<FieldError> errs, JsonNode group, FieldPath path) {
        nodeCount(errs, Tree.number(group, "nodeCount", 0), path.child("nodeCount"));
        flavor(errs, group, path.child("flavor"));
        Check.labels(errs, group.get("labels"), path.child("labels"));
        taints(errs, group, path.child("taints"));
    }

    static void nodeCount(List<FieldError> errs, long count, FieldPath path) {
        if (count < 0 || count > MAX_NODES) {
            errs.add(FieldError.invalid(path, count, "must be between 0 and " + MAX_NODES + " (the most nodes a group may have)"));
        }
    }

    /** A flavor of the catalogue; required. */
    static void flavor(List<FieldError> errs, JsonNode parent, FieldPath path) {
        Check.oneOf(errs, parent, "flavor", path, true, Flavors.names());
    }

    /** Taints as a Node carries them: a key, an optional value, an effect; one taint per key and effect. */
    private static void taints(List<FieldError> errs, JsonNode group, FieldPath path) {
        Set<String> seen = new HashSet<>();
        List<ObjectNode> taints = Tree.objects(group, "taints");
        for (int i = 0; i < taints.size(); i++) {
            ObjectNode t = taints.get(i);
            FieldPath at = path.index(i);
            String key = Tree.text(t, "key");
            if (key.isEmpty()) errs.add(FieldError.required(at.child("key"), ""));
            else Check.invalid(errs, at.child("key"), key, Formats.qualifiedName(key));
            String value = Tree.text(t, "value");
            Check.invalid(errs, at.child("value"), value, Formats.labelValue(value));
            Check.oneOf(errs, t, "effect", at.child("effect"), true, TAINT_EFFECTS);
            if (!seen.add(key + ":" + Tree.text(t, "effect"))) {
                errs.add(FieldError.duplicate(at, "taint key " + key + " with effect " + Tree.text(t, "effect")));
            }
        }
    }
}
