package dev.pier.cloud.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.Tree;

/** Names shared by the cluster, node group and machine controllers (decision 019). */
final class ClusterObjects {
  static final String GROUP = "pier.dev";
  static final String CLUSTER_LABEL = "pier.dev/cluster";
  static final String NODE_GROUP_LABEL = "pier.dev/nodegroup";
  static final String CLUSTER_FINALIZER = "pier.dev/cluster-cleanup";
  static final String NODE_GROUP_FINALIZER = "pier.dev/nodegroup-cleanup";
  static final String MACHINE_FINALIZER = "pier.dev/machine-cleanup";
  static final String DEFAULT_GROUP = "default-worker";
  /** The field manager of the controllers' writes. */
  static final String FIELD_MANAGER = "pier-cluster-manager";

  private ClusterObjects() {}

  static String name(JsonNode object) {
    return Tree.text(object.path("metadata"), "name");
  }

  static boolean deleting(JsonNode object) {
    return object.path("metadata").hasNonNull("deletionTimestamp");
  }

  /** The group part of a node group's name {@code <cluster>.<group>}. */
  static String groupName(JsonNode nodeGroup) {
    String name = name(nodeGroup);
    return name.substring(name.indexOf('.') + 1);
  }

  static boolean isReady(JsonNode node) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) return c.path("status").asText().equals("True");
    }
    return false;
  }
}
