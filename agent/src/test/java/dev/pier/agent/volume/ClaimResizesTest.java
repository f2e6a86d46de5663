package dev.pier.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class ClaimResizesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PersistentVolumeClaim claim(String... conditions) {
    var b = new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("shop").withUid("u-1").endMetadata()
        .withNewStatus().withPhase("Bound").addToCapacity("storage", new Quantity("1Gi")).endStatus();
    for (String type : conditions) b.editStatus().addNewCondition().withType(type).withStatus("True").endCondition().endStatus();
    return b.build();
  }

  @Test
  void pendingOnlyWithATrueFileSystemResizePendingCondition() {
    assertThat(ClaimResizes.fileSystemResizePending(claim())).isFalse();
    assertThat(ClaimResizes.fileSystemResizePending(claim("Resizing"))).isFalse();
    assertThat(ClaimResizes.fileSystemResizePending(claim("FileSystemResizePending"))).isTrue();
  }

  @Test
  void finishedPatchSetsCapacityAndDropsTheResizeState() throws Exception {
    JsonNode patch = JSON.readTree(ClaimResizes.finishedPatch(claim("FileSystemResizePending"), new Quantity("2Gi")));
    assertThat(patch.path("metadata").path("uid").asText()).isEqualTo("u-1");
    assertThat(patch.path("status").path("capacity").path("storage").asText()).isEqualTo("2Gi");
    assertThat(patch.path("status").get("conditions").isNull()).isTrue();
    assertThat(patch.path("status").get("allocatedResourceStatuses").isNull()).isTrue();
  }

  @Test
  void finishedPatchKeepsOtherConditions() throws Exception {
    JsonNode patch = JSON.readTree(ClaimResizes.finishedPatch(claim("ModifyingVolume", "FileSystemResizePending"), new Quantity("2Gi")));
    assertThat(patch.path("status").path("conditions")).hasSize(1);
    assertThat(patch.path("status").path("conditions").get(0).path("type").asText()).isEqualTo("ModifyingVolume");
  }
}
