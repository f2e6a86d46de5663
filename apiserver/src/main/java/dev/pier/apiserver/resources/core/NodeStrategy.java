package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Nodes: a kubelet registers its node with status included (so, unlike other kinds, status is kept on
 * create), allocatable defaults to capacity, taints are validated, and the node table shows readiness,
 * roles (from {@code node-role.kubernetes.io/*} labels) and what the kubelet reported.
 */
public final class NodeStrategy implements ResourceStrategy {
    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Status", NodeStrategy::status)
            .column("Roles", NodeStrategy::roles)
            .age()
            .column("Version", o -> Tree.text(o.path("status").path("nodeInfo"), "kubeletVersion"))
            .wide("Internal-IP", o -> address(o, "InternalIP"))
            .wide("External-IP", o -> address(o, "ExternalIP"))
            .wide("OS-Image", o -> unknownIfEmpty(Tree.text(o.path("status").path("nodeInfo"), "osImage")))
            .wide("Kernel-Version", o -> unknownIfEmpty(Tree.text(o.path("status").path("nodeInfo"), "kernelVersion")))
            .wide("Container-Runtime", o -> unknownIfEmpty(Tree.text(o.path("status").path("nodeInfo"), "containerRuntimeVersion")))
            .build();

    @Override
    public void prepareForCreate(ObjectNode node) {
        defaults(node);
    }

    @Override
    public void prepareForUpdate(ObjectNode node, ObjectNode old) {
        defaults(node);
    }

    private static void defaults(ObjectNode node) {
        if (node.get("status") instanceof ObjectNode status) {
            Resources.canonicalize(status.get("capacity"));
            Resources.canonicalize(status.get("allocatable"));
            if (!Tree.isSet(status, "allocatable") && status.get("capacity") instanceof ObjectNode capacity) {
                status.set("allocatable", capacity.deepCopy());
            }
        }
        if (node.get("spec") instanceof ObjectNode spec && !Tree.text(spec, "podCIDR").isEmpty() && !spec.has("podCIDRs")) {
            spec.putArray("podCIDRs").add(Tree.text(spec, "podCIDR"));
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode node) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath taintsPath = FieldPath.root("spec").child("taints");
        Set<String> seen = new HashSet<>();
        List<JsonNode> taints = Tree.items(node.path("spec"), "taints");
        for (int i = 0; i < taints.size(); i++) {
            JsonNode t = taints.get(i);
            FieldPath p = taintsPath.index(i);
            String key = Tree.text(t, "key");
            Check.invalid(errs, p.child("key"), key, Formats.qualifiedName(key));
            String value = Tree.text(t, "value");
            List<String> why = Formats.labelValue(value);
            if (!why.isEmpty()) errs.add(FieldError.invalid(p.child("value"), value, String.join(";", why)));
            Check.oneOf(errs, t, "effect", p.child("effect"), true, EFFECTS);
            if (!seen.add(key + "\u0000" + Tree.text(t, "effect"))) {
                errs.add(new FieldError(FieldError.Type.DUPLICATE, p, t, "taints must be unique by key and effect pair"));
            }
        }
        for (String list : List.of("capacity", "allocatable")) {
            Resources.validateList(errs, node.path("status").get(list), FieldPath.root("status").child(list));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode node, ObjectNode old) {
        List<FieldError> errs = validate(node);
        JsonNode spec = node.path("spec");
        JsonNode was = old.path("spec");
        if (!Tree.items(was, "podCIDRs").isEmpty() && !Tree.same(spec.get("podCIDRs"), was.get("podCIDRs"))) {
            errs.add(FieldError.forbidden(FieldPath.root("spec").child("podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"));
        }
        if (!Tree.text(was, "providerID").isEmpty() && !Tree.text(spec, "providerID").equals(Tree.text(was, "providerID"))) {
            errs.add(FieldError.forbidden(FieldPath.root("spec").child("providerID"), "node updates may not change providerID except from \"\" to valid"));
        }
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public boolean resetsStatusOnCreate() {
        return false;
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("spec.unschedulable", o -> Boolean.toString(Tree.bool(o.path("spec"), "unschedulable")));
    }

    /** Ready, NotReady or Unknown (no Ready condition yet), plus SchedulingDisabled when cordoned. */
    static String status(ObjectNode node) {
        String status = "Unknown";
        for (JsonNode c : Tree.items(node.path("status"), "conditions")) {
            if (Tree.text(c, "type").equals("Ready")) status = Tree.text(c, "status").equals("True") ? "Ready" : "NotReady";
        }
        if (Tree.bool(node.path("spec"), "unschedulable")) status += ",SchedulingDisabled";
        return status;
    }

    /** Roles from {@code node-role.kubernetes.io/<role>} label keys and the older {@code kubernetes.io/role} label. */
    static String roles(ObjectNode node) {
        Set<String> roles = new TreeSet<>();
        for (Map.Entry<String, String> e : Tree.stringMap(node.path("metadata").get("labels")).entrySet()) {
            if (e.getKey().startsWith(ROLE_PREFIX) && e.getKey().length() > ROLE_PREFIX.length()) {
                roles.add(e.getKey().substring(ROLE_PREFIX.length()));
            } else if (e.getKey().equals("kubernetes.io/role") && !e.getValue().isEmpty()) {
                roles.add(e.getValue());
            }
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String address(ObjectNode node, String type) {
        for (JsonNode a : Tree.items(node.path("status"), "addresses")) {
            if (Tree.text(a, "type").equals(type)) return Tree.text(a, "address");
        }
        return "<none>";
    }

    private static String unknownIfEmpty(String s) {
        return s.isEmpty() ? "<unknown>" : s;
    }
}
