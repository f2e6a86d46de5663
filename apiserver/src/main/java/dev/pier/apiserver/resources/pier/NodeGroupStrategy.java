package dev.pier.apiserver.resources.pier;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * NodeGroups (decision 019): named {@code <cluster>.<group>} and labelled with their cluster, one node by
 * default; autoscaling and auto-repair off until enabled, then with cluster-autoscaler's usual settings.
 * The cluster a group belongs to is fixed once created.
 */
public final class NodeGroupStrategy {
    /** NKS's default size of a node group that says none. */
    static final int DEFAULT_NODE_COUNT = 1;
    static final int DEFAULT_MAX_SURGE = 1;
    /** cluster-autoscaler's --scale-down-unneeded-time (10 minutes) and --scale-down-utilization-threshold. */
    static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 600;
    static final double DEFAULT_SCALE_DOWN_UTILIZATION = 0.5;
    static final int DEFAULT_NOT_READY_SECONDS = 300;
    /** Shorter than this, a node restarting its agent would be replaced. */
    static final int MIN_NOT_READY_SECONDS = 30;

    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final FieldPath NAME = FieldPath.root("metadata").child("name");

    public static final ResourceStrategy INSTANCE = KindStrategy.builder()
            .withStatus()
            .schema(PierKinds.schema("nodegroup"))
            .defaults(NodeGroupStrategy::defaults)
            .validator(NodeGroupStrategy::validate)
            .updateValidator((group, old) -> {
                List<FieldError> errs = new ArrayList<>();
                Check.immutable(errs, group.path("spec").get("cluster"), old.path("spec").get("cluster"), SPEC.child("cluster"));
                return errs;
            })
            .table(TableConvertor.builder()
                    .column("Cluster", o -> Tree.text(o.path("spec"), "cluster"))
                    .column("Phase", o -> Tree.text(o.path("status"), "phase"))
                    .column("Nodes", o -> Columns.nodes(o.path("status").path("nodes")))
                    .column("Flavor", o -> Tree.text(o.path("spec"), "flavor"))
                    .age()
                    .build())
            .fieldSelector("spec.cluster", o -> Tree.text(o.path("spec"), "cluster"))
            .fieldSelector("status.phase", o -> Tree.text(o.path("status"), "phase"))
            .build();

    private NodeGroupStrategy() {
    }

    private static void defaults(ObjectNode group) {
        ObjectNode spec = Tree.obj(group, "spec");
        OwnerLabels.defaultLabel(group, PierKinds.CLUSTER_LABEL, Tree.text(spec, "cluster"));
        NodeGroupFields.defaults(spec, DEFAULT_NODE_COUNT);
        ObjectNode autoscale = Tree.obj(spec, "autoscale");
        Tree.defaultBool(autoscale, "enabled", false);
        if (Tree.bool(autoscale, "enabled")) {
            Tree.defaultNumber(autoscale, "scaleDownDelaySeconds", DEFAULT_SCALE_DOWN_DELAY_SECONDS);
            if (!Tree.isSet(autoscale, "scaleDownUtilizationThreshold")) {
                autoscale.put("scaleDownUtilizationThreshold", DEFAULT_SCALE_DOWN_UTILIZATION);
            }
        }
        ObjectNode autoRepair = Tree.obj(spec, "autoRepair");
        Tree.defaultBool(autoRepair, "enabled", false);
        if (Tree.bool(autoRepair, "enabled")) Tree.defaultNumber(autoRepair, "notReadySeconds", DEFAULT_NOT_READY_SECONDS);
        Tree.defaultNumber(spec, "maxSurge", DEFAULT_MAX_SURGE);
    }

    private static List<FieldError> validate(ObjectNode group) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = group.path("spec");
        String cluster = Tree.text(spec, "cluster");
        if (cluster.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("cluster"), "the name of the Cluster the group belongs to"));
        } else {
            String why = NameRule.CLUSTER.check(cluster);
            if (why != null) errs.add(FieldError.invalid(SPEC.child("cluster"), cluster, why));
            else name(errs, Tree.text(group.path("metadata"), "name"), cluster);
            OwnerLabels.check(errs, group, PierKinds.CLUSTER_LABEL, cluster, "spec.cluster");
        }
        NodeGroupFields.validate(errs, spec, SPEC);
        autoscale(errs, spec.path("autoscale"), Tree.number(spec, "nodeCount", 0), SPEC.child("autoscale"));
        JsonNode autoRepair = spec.path("autoRepair");
        long notReady = Tree.number(autoRepair, "notReadySeconds", DEFAULT_NOT_READY_SECONDS);
        if (Tree.bool(autoRepair, "enabled") && notReady < MIN_NOT_READY_SECONDS) {
            errs.add(FieldError.invalid(SPEC.child("autoRepair").child("notReadySeconds"), notReady,
                    "must be at least " + MIN_NOT_READY_SECONDS));
        }
        Check.nonNegative(errs, spec, "maxSurge", SPEC.child("maxSurge"));
        nodesToRemove(errs, spec);
        return errs;
    }

    /** {@code <cluster>.<group>}, the group's part named as a cluster is; names that are no DNS subdomain the store reports. */
    private static void name(List<FieldError> errs, String name, String cluster) {
        if (name.isEmpty() || NameRule.DNS_SUBDOMAIN.check(name) != null) return;
        String group = name.startsWith(cluster + ".") ? name.substring(cluster.length() + 1) : null;
        if (group == null || NameRule.CLUSTER.check(group) != null) {
            errs.add(FieldError.invalid(NAME, name, "must be <cluster>.<group>: spec.cluster (" + cluster + "), a dot and "
                    + "the group's name, 1-20 characters of lower case letters, digits or '-', starting with a letter and "
                    + "ending with a letter or digit (e.g. '" + cluster + ".workers')"));
        }
    }

    private static void autoscale(List<FieldError> errs, JsonNode autoscale, long nodeCount, FieldPath path) {
        if (!Tree.bool(autoscale, "enabled")) return;
        FieldPath minPath = path.child("minNodeCount");
        FieldPath maxPath = path.child("maxNodeCount");
        if (!Tree.isSet(autoscale, "minNodeCount")) errs.add(FieldError.required(minPath, "when autoscaling is enabled"));
        if (!Tree.isSet(autoscale, "maxNodeCount")) errs.add(FieldError.required(maxPath, "when autoscaling is enabled"));
        long min = Tree.number(autoscale, "minNodeCount", 0);
        long max = Tree.number(autoscale, "maxNodeCount", NodeGroupFields.MAX_NODES);
        if (min < 0) errs.add(FieldError.invalid(minPath, min, Check.NON_NEGATIVE));
        if (max > NodeGroupFields.MAX_NODES) {
            errs.add(FieldError.invalid(maxPath, max, "must be at most " + NodeGroupFields.MAX_NODES + " (the most nodes a group may have)"));
        }
        if (min > max) {
            errs.add(FieldError.invalid(minPath, min, "must be less than or equal to maxNodeCount (" + max + ")"));
        } else if (nodeCount < min || nodeCount > max) {
            errs.add(FieldError.invalid(SPEC.child("nodeCount"), nodeCount,
                    "must be between autoscale.minNodeCount (" + min + ") and autoscale.maxNodeCount (" + max + ")"));
        }
        Check.nonNegative(errs, autoscale, "scaleDownDelaySeconds", path.child("scaleDownDelaySeconds"));
        JsonNode threshold = autoscale.get("scaleDownUtilizationThreshold");
        if (threshold != null && threshold.isNumber() && (threshold.asDouble() <= 0 || threshold.asDouble() > 1)) {
            errs.add(FieldError.invalid(path.child("scaleDownUtilizationThreshold"), threshold,
                    "must be greater than 0 and at most 1 (a node's requests over its allocatable)"));
        }
    }

    private static void nodesToRemove(List<FieldError> errs, JsonNode spec) {
        FieldPath path = SPEC.child("nodesToRemove");
        Set<String> seen = new HashSet<>();
        List<JsonNode> names = Tree.items(spec, "nodesToRemove");
        for (int i = 0; i < names.size(); i++) {
            String node = names.get(i).asText();
            List<String> why = node.isEmpty() ? List.of("a node name must not be empty") : Formats.dns1123Subdomain(node);
            Check.invalid(errs, path.index(i), node, why);
            if (why.isEmpty() && !seen.add(node)) errs.add(FieldError.duplicate(path.index(i), node));
        }
    }
}
