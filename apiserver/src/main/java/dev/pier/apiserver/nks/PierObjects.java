package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.pier.PierKinds;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Cluster, NodeGroup and Machine objects of the management cell (decision 019), as the NKS API finds them:
 * clusters by name or uuid, node groups by their NKS name within a cluster. Writes go through the in-process
 * client, so the kinds' defaulting and validation apply as they do to kubectl.
 */
final class PierObjects {
    static final String GROUP = PierKinds.GROUP;
    static final String VERSION = PierKinds.VERSION;
    static final String API_VERSION = GROUP + "/" + VERSION;
    /** The label every NodeGroup and Machine carries with its cluster's name. */
    static final String CLUSTER_LABEL = PierKinds.CLUSTER_LABEL;
    /** The NKS name of the node group every cluster has, driven by the Cluster's {@code spec.defaultNodeGroup}. */
    static final String DEFAULT_GROUP = "default-worker";

    private final LocalClient client;

    PierObjects(LocalClient client) {
        this.client = client;
    }

    ResourceClient clusters() {
        return resource("clusters");
    }

    ResourceClient nodeGroups() {
        return resource("nodegroups");
    }

    ResourceClient machines() {
        return resource("machines");
    }

    ResourceClient events() {
        return client.resource(Cells.MANAGEMENT, client.builtin("", "v1", "events"));
    }

    /** A cluster by name or by uuid (metadata.uid); 404 when neither names one. */
    ObjectNode cluster(String id) {
        ResourceClient clusters = clusters();
        return clusters.find("", id)
                .or(() -> clusters.list("").stream().filter(c -> c.path("metadata").path("uid").asText().equals(id)).findFirst())
                .orElseThrow(() -> NksException.notFound(null, "cluster \"" + id + "\" not found",
                        "give a cluster's name or uuid, as GET /v1/clusters lists them"));
    }

    /** The cluster's node groups, by name. */
    List<ObjectNode> nodeGroupsOf(String cluster) {
        return nodeGroups().list("").stream()
                .filter(g -> cluster.equals(g.path("spec").path("cluster").asText()))
                .sorted(Comparator.comparing(g -> g.path("metadata").path("name").asText()))
                .toList();
    }

    Optional<ObjectNode> nodeGroup(String cluster, String group) {
        return nodeGroups().find("", objectName(cluster, group));
    }

    /** A node group of the cluster by its NKS name or uuid; 404 when none. */
    ObjectNode nodeGroupOrThrow(String cluster, String group) {
        return nodeGroup(cluster, group)
                .or(() -> nodeGroupsOf(cluster).stream().filter(g -> g.path("metadata").path("uid").asText().equals(group)).findFirst())
                .orElseThrow(() -> NksException.notFound(null, "node group \"" + group + "\" of cluster \"" + cluster + "\" not found",
                        "give a node group's name or uuid, as GET /v1/clusters/" + cluster + "/nodegroups lists them"));
    }

    /** The machines of the cluster. */
    List<ObjectNode> machinesOf(String cluster) {
        return machines().list("").stream().filter(m -> cluster.equals(m.path("spec").path("cluster").asText())).toList();
    }

    /** A NodeGroup object's name: {@code <cluster>.<group>}. */
    static String objectName(String cluster, String group) {
        return cluster + "." + group;
    }

    /** The NKS name of a NodeGroup object: its name after {@code <cluster>.}. */
    static String groupName(JsonNode nodeGroup) {
        String name = nodeGroup.path("metadata").path("name").asText();
        String cluster = nodeGroup.path("spec").path("cluster").asText();
        return name.startsWith(cluster + ".") ? name.substring(cluster.length() + 1) : name;
    }

    private ResourceClient resource(String resource) {
        ResourceType type = client.cell(Cells.MANAGEMENT).registry().find(GROUP, VERSION, resource)
                .orElseThrow(() -> NksException.unavailable("this server does not serve " + resource + "." + GROUP + "/" + VERSION + " yet",
                        "run a Pier server that serves clusters as objects (decision 019)"));
        return client.resource(Cells.MANAGEMENT, type);
    }
}
