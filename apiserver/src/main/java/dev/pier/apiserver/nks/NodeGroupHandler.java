package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;

import java.util.List;

/**
 * {@code /v1/clusters/{id}/nodegroups[/{ng}]}: NodeGroup objects in the NKS shape. The default group's node count,
 * flavor, labels and taints live in its Cluster's {@code spec.defaultNodeGroup} (the cluster controller copies them
 * onto the group), so a PATCH of those goes to the Cluster; the rest of it to the NodeGroup.
 */
final class NodeGroupHandler {
    private final PierObjects objects;

    NodeGroupHandler(PierObjects objects) {
        this.objects = objects;
    }

    Reply list(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.get(0));
        ObjectNode body = Json.object();
        ArrayNode groups = body.putArray("nodegroups");
        objects.nodeGroupsOf(name(cluster)).forEach(g -> groups.add(Views.nodeGroup(g, cluster)));
        return Reply.json(200, body);
    }

    Reply create(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.get(0));
        if (cluster.path("metadata").hasNonNull("deletionTimestamp")) {
            throw NksException.conflict(null, "cluster \"" + name(cluster) + "\" is being deleted", "create the node group in another cluster");
        }
        ObjectNode group = NodeGroupRequests.create(call.body(), cluster);
        ObjectNode created = ErrorTranslation.translating(FieldNames.NODE_GROUP, what(group, cluster),
                () -> objects.nodeGroups().create("", group));
        return Reply.json(202, Views.nodeGroup(created, cluster));
    }

    Reply get(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.get(0));
        return Reply.json(200, Views.nodeGroup(objects.nodeGroupOrThrow(name(cluster), params.get(1)), cluster));
    }

    Reply patch(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.get(0));
        ObjectNode group = objects.nodeGroupOrThrow(name(cluster), params.get(1));
        boolean isDefault = PierObjects.groupName(group).equals(PierObjects.DEFAULT_GROUP);
        NodeGroupRequests.Patch patch = NodeGroupRequests.patch(call.body(),
                isDefault ? cluster.path("spec").path("defaultNodeGroup") : group.path("spec"));
        ObjectNode patched = group;
        ObjectNode patchedCluster = cluster;
        if (isDefault) {
            if (!patch.groupFields().isEmpty()) {
                ObjectNode clusterPatch = Json.object();
                clusterPatch.putObject("spec").set("defaultNodeGroup", patch.groupFields());
                patchedCluster = ErrorTranslation.translating(FieldNames.CLUSTER, "cluster \"" + name(cluster) + "\"", () -> objects.clusters()
                        .patch("", name(cluster), cluster.path("metadata").path("uid").asText(), PatchType.MERGE, clusterPatch, false));
            }
            if (!patch.otherFields().isEmpty()) {
                ObjectNode groupPatch = Json.object();
                groupPatch.set("spec", patch.otherFields());
                patched = patchGroup(group, groupPatch, cluster);
            }
        } else {
            patched = patchGroup(group, patch.asNodeGroupPatch(), cluster);
        }
        return Reply.json(202, Views.nodeGroup(patched, patchedCluster));
    }

    Reply delete(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.get(0));
        ObjectNode group = objects.nodeGroupOrThrow(name(cluster), params.get(1));
        if (PierObjects.groupName(group).equals(PierObjects.DEFAULT_GROUP)) {
            throw NksException.conflict(null, "the default node group is deleted with its cluster",
                    "resize it to 0 nodes (POST /v1/clusters/" + name(cluster) + "/actions/resize), or delete the cluster");
        }
        String groupName = group.path("metadata").path("name").asText();
        DeleteOptions precondition = new DeleteOptions(group.path("metadata").path("uid").asText(), "", -1, "", false);
        ErrorTranslation.translating(FieldNames.NODE_GROUP, what(group, cluster), () -> objects.nodeGroups().delete("", groupName, precondition));
        return Reply.noContent();
    }

    private ObjectNode patchGroup(ObjectNode group, ObjectNode patch, ObjectNode cluster) {
        String groupName = group.path("metadata").path("name").asText();
        String uid = group.path("metadata").path("uid").asText();
        return ErrorTranslation.translating(FieldNames.NODE_GROUP, what(group, cluster),
                () -> objects.nodeGroups().patch("", groupName, uid, PatchType.MERGE, patch, false));
    }

    private static String what(ObjectNode group, ObjectNode cluster) {
        return "node group \"" + PierObjects.groupName(group) + "\" of cluster \"" + name(cluster) + "\"";
    }

    private static String name(ObjectNode cluster) {
        return cluster.path("metadata").path("name").asText();
    }
}
