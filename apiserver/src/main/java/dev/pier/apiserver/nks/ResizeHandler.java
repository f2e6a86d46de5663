package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/clusters/{id}/actions/resize}: a node group's new node count, and which nodes to remove first.
 * The nodes go to the NodeGroup's {@code spec.nodesToRemove} (added to any a previous resize left for the
 * controller), written before the count, so that the controller never shrinks the group without them. The default
 * group's count is its Cluster's {@code spec.defaultNodeGroup.nodeCount}; another group's, its own
 * {@code spec.nodeCount}.
 */
final class ResizeHandler {
    private static final Set<String> FIELDS = Set.of("nodegroup", "node_count", "nodes_to_remove");

    private final PierObjects objects;

    ResizeHandler(PierObjects objects) {
        this.objects = objects;
    }

    /** 202 with the cluster's uuid, as Magnum answers. */
    Reply resize(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.getFirst());
        String clusterName = cluster.path("metadata").path("name").asText();
        RequestBody request = RequestBody.parse(call.body(), FIELDS, FieldNames.NODE_GROUP);
        String groupName = request.text("nodegroup").orElse(PierObjects.DEFAULT_GROUP);
        Optional<Integer> nodeCount = request.integer("node_count", 0);
        if (!request.has("node_count")) request.problem("node_count", "node_count: required", "the group's new number of nodes");
        List<String> toRemove = request.stringList("nodes_to_remove").orElse(List.of());
        request.throwIfInvalid();

        boolean isDefault = groupName.equals(PierObjects.DEFAULT_GROUP);
        Optional<ObjectNode> group = objects.nodeGroup(clusterName, groupName);
        if (group.isEmpty() && !(isDefault && toRemove.isEmpty())) {
            // the default group may not be made yet; its count is the Cluster's anyway
            objects.nodeGroupOrThrow(clusterName, groupName);
        }
        int target = nodeCount.orElseThrow();
        if (!toRemove.isEmpty()) {
            JsonNode current = isDefault ? cluster.path("spec").path("defaultNodeGroup") : group.orElseThrow().path("spec");
            checkRemovable(clusterName, group.orElseThrow(), toRemove, current.path("nodeCount").asInt(0) - target);
        }
        group.ifPresent(g -> patchGroup(g, clusterName, isDefault ? Optional.empty() : Optional.of(target), toRemove));
        if (isDefault) {
            ObjectNode patch = Json.object();
            patch.putObject("spec").putObject("defaultNodeGroup").put("nodeCount", target);
            ErrorTranslation.translating(FieldNames.CLUSTER, "cluster \"" + clusterName + "\"", () -> objects.clusters()
                    .patch("", clusterName, cluster.path("metadata").path("uid").asText(), PatchType.MERGE, patch, false));
        }
        ObjectNode body = Json.object();
        body.put("uuid", cluster.path("metadata").path("uid").asText());
        return Reply.json(202, body);
    }

    /** Every node to remove must be a machine of the group, and no more than the resize removes. */
    private void checkRemovable(String clusterName, ObjectNode group, List<String> toRemove, int removed) {
        String objectName = group.path("metadata").path("name").asText();
        String groupName = PierObjects.groupName(group);
        Set<String> members = new LinkedHashSet<>();
        for (ObjectNode m : objects.machinesOf(clusterName)) {
            String ofGroup = m.path("spec").path("nodeGroup").asText();
            if (ofGroup.equals(objectName) || ofGroup.equals(groupName)) members.add(m.path("metadata").path("name").asText());
        }
        List<Problem> problems = new ArrayList<>();
        if (toRemove.size() > Math.max(removed, 0)) {
            problems.add(new Problem("nodes_to_remove", "nodes_to_remove: names " + toRemove.size() + " nodes, but the resize removes "
                    + Math.max(removed, 0), "name at most as many nodes as node_count removes, or lower node_count"));
        }
        for (int i = 0; i < toRemove.size(); i++) {
            if (!members.contains(toRemove.get(i))) {
                problems.add(new Problem("nodes_to_remove[" + i + "]", "nodes_to_remove[" + i + "]: \"" + toRemove.get(i)
                        + "\" is not a node of node group \"" + groupName + "\"", "one of " + members));
            }
        }
        if (!problems.isEmpty()) throw NksException.invalid(problems);
    }

    private void patchGroup(ObjectNode group, String clusterName, Optional<Integer> nodeCount, List<String> toRemove) {
        if (nodeCount.isEmpty() && toRemove.isEmpty()) return;
        ObjectNode spec = Json.object();
        nodeCount.ifPresent(n -> spec.put("nodeCount", n));
        if (!toRemove.isEmpty()) {
            Set<String> all = new LinkedHashSet<>();
            group.path("spec").path("nodesToRemove").forEach(n -> all.add(n.asText()));
            all.addAll(toRemove);
            spec.set("nodesToRemove", Json.MAPPER.valueToTree(all));
        }
        ObjectNode patch = Json.object();
        patch.set("spec", spec);
        ErrorTranslation.translating(FieldNames.NODE_GROUP, "node group \"" + PierObjects.groupName(group) + "\" of cluster \""
                        + clusterName + "\"", () -> objects.nodeGroups().patch("", group.path("metadata").path("name").asText(),
                group.path("metadata").path("uid").asText(), PatchType.MERGE, patch, false));
    }
}
