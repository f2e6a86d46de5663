package dev.pier.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsiNamesTest {
  @Test
  void attachmentNameIsShaOfHandleAttacherAndNodeAsKubernetesNamesIt() {
    // sha256 of "cell-a/pvc-123" + "block.pier.dev" + "node-1", as `echo -n ... | sha256sum` prints it
    assertThat(CsiNames.attachmentName("cell-a/pvc-123", CsiNames.DRIVER, "node-1"))
        .isEqualTo("csi-8cf7a463ac456038a30e44d09fcd16cfd3f2a79c7c5f20fa924793689265193f");
    assertThat(CsiNames.attachmentName("cell-a/pvc-123", CsiNames.DRIVER, "node-2"))
        .isNotEqualTo(CsiNames.attachmentName("cell-a/pvc-123", CsiNames.DRIVER, "node-1"));
  }

  @Test
  void uniqueVolumeNameIsTheCsiPluginsName() {
    assertThat(CsiNames.uniqueVolumeName(CsiNames.DRIVER, "cell-a/pvc-123"))
        .isEqualTo("kubernetes.io/csi/block.pier.dev^cell-a/pvc-123");
  }
}
