package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.Set;

/**
 * Cluster requests of the NKS API as Cluster objects: the body of a create becomes a whole object, the body of
 * a PATCH a merge patch. Only the shape of the body is checked here (types, unknown fields, the taint syntax);
 * everything about the values (name format, CIDRs, flavors) is the Cluster kind's validation, so that kubectl
 * and the NKS API refuse the same things.
 */
final class ClusterRequests {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "node_count", "flavor", "flavor_id", "labels", "pod_cidr",
            "service_cidr", "pod_subnet_size", "cluster_domain", "master_count", "coe_version", "node_labels", "node_taints");
    /** What a running cluster may change; the rest of the create fields are fixed at creation. */
    private static final Set<String> PATCH_FIELDS = Set.of("node_count", "flavor", "flavor_id", "labels", "node_labels", "node_taints");

    private ClusterRequests() {
    }

    /** The Cluster object a create asks for. */
    static ObjectNode create(byte[] body) {
        RequestBody request = RequestBody.parse(body, CREATE_FIELDS, FieldNames.CLUSTER);
        ObjectNode cluster = Json.object();
        cluster.put("apiVersion", PierObjects.API_VERSION);
        cluster.put("kind", "Cluster");
        ObjectNode meta = cluster.putObject("metadata");
        request.text("name").ifPresentOrElse(n -> meta.put("name", n), () -> request.problem("name", "name: required"));
        ObjectNode spec = cluster.putObject("spec");
        request.text("coe_version").ifPresent(v -> spec.put("kubernetesVersion", v));
        ObjectNode network = spec.putObject("network");
        request.text("pod_cidr").ifPresent(v -> network.put("podCidr", v));
        request.text("service_cidr").ifPresent(v -> network.put("serviceCidr", v));
        request.integer("pod_subnet_size", 0).ifPresent(v -> network.put("podSubnetSize", v));
        request.text("cluster_domain").ifPresent(v -> network.put("clusterDomain", v));
        request.integer("master_count", 0).ifPresent(v -> spec.putObject("controlPlane").put("replicas", v));
        ObjectNode group = spec.putObject("defaultNodeGroup");
        request.integer("node_count", 0).ifPresent(v -> group.put("nodeCount", v));
        flavor(request).ifPresent(v -> group.put("flavor", v));
        request.stringMap("node_labels").ifPresent(v -> group.set("labels", Json.MAPPER.valueToTree(v)));
        request.stringList("node_taints").ifPresent(v -> group.set("taints", Taints.parse(v, "node_taints", request)));
        request.stringMap("labels").ifPresent(v -> spec.set("labels", Json.MAPPER.valueToTree(v)));
        request.throwIfInvalid();
        return cluster;
    }

    /** The merge patch a PATCH asks for, given the cluster as it is (maps are replaced, not merged). */
    static ObjectNode patch(byte[] body, JsonNode current) {
        RequestBody request = RequestBody.parse(body, CREATE_FIELDS, FieldNames.CLUSTER);
        for (String f : CREATE_FIELDS) {
            if (request.has(f) && !PATCH_FIELDS.contains(f)) {
                request.problem(f, f + ": cannot be changed once the cluster exists", "create a new cluster with the " + f + " you need");
            }
        }
        ObjectNode patch = Json.object();
        ObjectNode spec = patch.putObject("spec");
        JsonNode currentSpec = current.path("spec");
        ObjectNode group = NodeGroupRequests.groupFields(request, currentSpec.path("defaultNodeGroup"));
        if (!group.isEmpty()) spec.set("defaultNodeGroup", group);
        request.stringMap("labels").ifPresent(v -> spec.set("labels", MergePatches.replaceMap(currentSpec.path("labels"), v)));
        request.throwIfInvalid();
        return patch;
    }

    /** {@code flavor}, or Magnum's {@code flavor_id} for the same thing. */
    static java.util.Optional<String> flavor(RequestBody request) {
        var flavor = request.text("flavor");
        var flavorId = request.text("flavor_id");
        if (flavor.isPresent() && flavorId.isPresent() && !flavor.equals(flavorId)) {
            request.problem("flavor_id", "flavor_id: differs from flavor", "give only one of flavor and flavor_id");
        }
        return flavor.or(() -> flavorId);
    }
}
