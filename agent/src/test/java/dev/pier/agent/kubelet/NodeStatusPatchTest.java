package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeStatusPatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void listsVolumesInUseAndLeavesVolumesAttachedToItsWriter() throws Exception {
    NodeStatus status = new NodeStatus();
    status.setVolumesInUse(List.of("kubernetes.io/csi/block.pier.dev^cell-a/pvc-1"));
    JsonNode patch = JSON.readTree(NodeRegistration.statusPatch("n-uid", status));
    assertThat(patch.path("metadata").path("uid").asText()).isEqualTo("n-uid");
    assertThat(patch.path("status").path("volumesInUse").get(0).asText()).isEqualTo("kubernetes.io/csi/block.pier.dev^cell-a/pvc-1");
    assertThat(patch.path("status").has("volumesAttached")).isFalse();
  }

  @Test
  void noVolumeInUseRemovesTheField() throws Exception {
    JsonNode patch = JSON.readTree(NodeRegistration.statusPatch("n-uid", new NodeStatus()));
    assertThat(patch.path("status").get("volumesInUse").isNull()).isTrue();
  }
}
