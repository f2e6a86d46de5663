package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

/**
 * Cluster and NodeGroup objects as the NKS API shows them (Magnum's field names). Reads only: what a field
 * does not have yet (a status before the controller wrote one) is shown as null, never invented, except the
 * phase of a cluster just created or being deleted, which is known without a controller.
 */
final class Views {
    private Views() {
    }

    static ObjectNode cluster(JsonNode cluster) {
        JsonNode meta = cluster.path("metadata");
        JsonNode spec = cluster.path("spec");
        JsonNode status = cluster.path("status");
        JsonNode group = spec.path("defaultNodeGroup");
        ObjectNode view = Json.object();
        view.put("uuid", meta.path("uid").asText());
        view.put("name", meta.path("name").asText());
        view.put("status", clusterPhase(cluster));
        view.set("status_reason", textOrNull(status.path("reason")));
        view.set("health_status", textOrNull(status.path("health").path("status")));
        view.set("health_status_reason", textOrNull(status.path("health").path("reason")));
        view.set("api_address", textOrNull(status.path("apiEndpoint")));
        view.set("coe_version", textOrNull(spec.path("kubernetesVersion")));
        view.set("master_count", numberOrNull(spec.path("controlPlane").path("replicas")));
        view.set("node_count", numberOrNull(group.path("nodeCount")));
        view.set("flavor_id", textOrNull(group.path("flavor")));
        view.set("labels", objectOrEmpty(spec.path("labels")));
        view.set("pod_cidr", textOrNull(spec.path("network").path("podCidr")));
        view.set("service_cidr", textOrNull(spec.path("network").path("serviceCidr")));
        view.set("pod_subnet_size", numberOrNull(spec.path("network").path("podSubnetSize")));
        view.set("cluster_domain", textOrNull(spec.path("network").path("clusterDomain")));
        view.set("created_at", textOrNull(meta.path("creationTimestamp")));
        view.set("updated_at", updatedAt(meta));
        return view;
    }

    /**
     * A node group; the default group's node count, flavor, labels and taints are its Cluster's
     * {@code spec.defaultNodeGroup}, what the API wrote, which the cluster controller copies onto the group.
     */
    static ObjectNode nodeGroup(JsonNode group, JsonNode cluster) {
        JsonNode meta = group.path("metadata");
        JsonNode spec = group.path("spec");
        boolean isDefault = PierObjects.groupName(group).equals(PierObjects.DEFAULT_GROUP);
        JsonNode sizing = isDefault ? cluster.path("spec").path("defaultNodeGroup") : spec;
        JsonNode status = group.path("status");
        ObjectNode view = Json.object();
        view.put("uuid", meta.path("uid").asText());
        view.put("name", PierObjects.groupName(group));
        view.put("cluster_id", cluster.path("metadata").path("uid").asText());
        view.put("role", "worker");
        view.put("is_default", isDefault);
        view.set("node_count", numberOrNull(sizing.path("nodeCount")));
        view.set("flavor_id", textOrNull(sizing.path("flavor")));
        JsonNode labels = objectOrEmpty(sizing.path("labels"));
        view.set("node_labels", labels);
        view.set("labels", labels); // Magnum's clients read labels
        view.set("node_taints", Json.MAPPER.valueToTree(Taints.format(sizing.path("taints"))));
        view.set("min_node_count", numberOrNull(spec.path("autoscale").path("minNodeCount")));
        view.set("max_node_count", numberOrNull(spec.path("autoscale").path("maxNodeCount")));
        view.put("autoscale", spec.path("autoscale").path("enabled").asBoolean(false));
        view.put("auto_repair", spec.path("autoRepair").path("enabled").asBoolean(false));
        view.set("status", textOrNull(status.path("phase")));
        view.set("status_reason", textOrNull(status.path("reason")));
        view.set("created_at", textOrNull(meta.path("creationTimestamp")));
        view.set("updated_at", updatedAt(meta));
        return view;
    }

    /**
     * The Cluster's status.phase; before the controller first writes one, CREATE_IN_PROGRESS (the cluster was just
     * created), and DELETE_IN_PROGRESS once its deletion has begun, as Magnum reports them at once.
     */
    static String clusterPhase(JsonNode cluster) {
        String phase = cluster.path("status").path("phase").asText("");
        boolean deleting = cluster.path("metadata").hasNonNull("deletionTimestamp");
        if (deleting && !phase.equals("DELETE_FAILED")) return "DELETE_IN_PROGRESS";
        return phase.isEmpty() ? "CREATE_IN_PROGRESS" : phase;
    }

    /** The latest write of the object its managedFields record, or null. */
    private static JsonNode updatedAt(JsonNode meta) {
        String latest = null;
        for (JsonNode entry : meta.path("managedFields")) {
            String time = entry.path("time").asText("");
            // RFC 3339 times in UTC compare as strings
            if (!time.isEmpty() && (latest == null || time.compareTo(latest) > 0)) latest = time;
        }
        return latest == null ? Json.MAPPER.nullNode() : Json.MAPPER.getNodeFactory().textNode(latest);
    }

    private static JsonNode textOrNull(JsonNode v) {
        return v.isTextual() && !v.asText().isEmpty() ? v : Json.MAPPER.nullNode();
    }

    private static JsonNode numberOrNull(JsonNode v) {
        return v.isNumber() ? v : Json.MAPPER.nullNode();
    }

    private static JsonNode objectOrEmpty(JsonNode v) {
        return v.isObject() ? v.deepCopy() : Json.object();
    }
}
