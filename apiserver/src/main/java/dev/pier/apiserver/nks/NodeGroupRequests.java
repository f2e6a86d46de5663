package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.Set;

/**
 * Node group requests of the NKS API as NodeGroup objects and merge patches. As for clusters, only the shape of
 * the body is checked here; the values are the NodeGroup kind's to judge.
 */
final class NodeGroupRequests {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "node_count", "flavor", "flavor_id", "node_labels", "node_taints",
            "min_node_count", "max_node_count", "autoscale", "auto_repair");
    private static final Set<String> PATCH_FIELDS = Set.of("node_count", "flavor", "flavor_id", "node_labels", "node_taints",
            "min_node_count", "max_node_count", "autoscale", "auto_repair");

    /**
     * A PATCH of a node group in two parts: the fields a default group takes from its Cluster's
     * {@code spec.defaultNodeGroup} (the cluster controller keeps the group in step with them), and the others.
     */
    record Patch(ObjectNode groupFields, ObjectNode otherFields) {
        /** The whole patch of an ordinary group's NodeGroup object. */
        ObjectNode asNodeGroupPatch() {
            ObjectNode spec = groupFields.deepCopy();
            spec.setAll(otherFields);
            ObjectNode patch = Json.object();
            patch.set("spec", spec);
            return patch;
        }
    }

    private NodeGroupRequests() {
    }

    /** The NodeGroup object a create asks for, in the given cluster (its owner). */
    static ObjectNode create(byte[] body, JsonNode cluster) {
        RequestBody request = RequestBody.parse(body, CREATE_FIELDS, FieldNames.NODE_GROUP);
        JsonNode clusterMeta = cluster.path("metadata");
        String clusterName = clusterMeta.path("name").asText();
        ObjectNode group = Json.object();
        group.put("apiVersion", PierObjects.API_VERSION);
        group.put("kind", "NodeGroup");
        ObjectNode meta = group.putObject("metadata");
        request.text("name").ifPresentOrElse(n -> meta.put("name", PierObjects.objectName(clusterName, n)),
                () -> request.problem("name", "name: required"));
        meta.putObject("labels").put(PierObjects.CLUSTER_LABEL, clusterName);
        // owned by the cluster, so that deleting the cluster deletes its groups
        meta.putArray("ownerReferences").addObject()
                .put("apiVersion", PierObjects.API_VERSION)
                .put("kind", "Cluster")
                .put("name", clusterName)
                .put("uid", clusterMeta.path("uid").asText())
                .put("controller", true)
                .put("blockOwnerDeletion", true);
        ObjectNode spec = group.putObject("spec");
        spec.put("cluster", clusterName);
        spec.setAll(groupFields(request, Json.object()));
        spec.setAll(otherFields(request));
        request.throwIfInvalid();
        return group;
    }

    /** The patch a PATCH asks for, given the group's fields as they are (maps are replaced, not merged). */
    static Patch patch(byte[] body, JsonNode currentGroupFields) {
        RequestBody request = RequestBody.parse(body, CREATE_FIELDS, FieldNames.NODE_GROUP);
        if (request.has("name")) request.problem("name", "name: cannot be changed", "create a new node group with that name");
        Patch patch = new Patch(groupFields(request, currentGroupFields), otherFields(request));
        request.throwIfInvalid();
        return patch;
    }

    /**
     * nodeCount, flavor, labels, taints: named alike in a NodeGroup's spec and a Cluster's spec.defaultNodeGroup, so one
     * reading serves both. Problems go to the request.
     */
    static ObjectNode groupFields(RequestBody request, JsonNode current) {
        ObjectNode fields = Json.object();
        request.integer("node_count", 0).ifPresent(v -> fields.put("nodeCount", v));
        ClusterRequests.flavor(request).ifPresent(v -> fields.put("flavor", v));
        request.stringMap("node_labels").ifPresent(v -> fields.set("labels", MergePatches.replaceMap(current.path("labels"), v)));
        request.stringList("node_taints").ifPresent(v -> fields.set("taints", Taints.parse(v, "node_taints", request)));
        return fields;
    }

    private static ObjectNode otherFields(RequestBody request) {
        ObjectNode fields = Json.object();
        ObjectNode autoscale = Json.object();
        request.bool("autoscale").ifPresent(v -> autoscale.put("enabled", v));
        request.integer("min_node_count", 0).ifPresent(v -> autoscale.put("minNodeCount", v));
        request.integer("max_node_count", 0).ifPresent(v -> autoscale.put("maxNodeCount", v));
        if (!autoscale.isEmpty()) fields.set("autoscale", autoscale);
        request.bool("auto_repair").ifPresent(v -> fields.putObject("autoRepair").put("enabled", v));
        return fields;
    }
}
