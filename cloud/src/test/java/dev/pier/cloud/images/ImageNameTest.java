package dev.pier.cloud.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageNameTest {
  @Test
  void normalisesAsDockerDoes() {
    assertThat(ImageName.parse("busybox")).hasToString("docker.io/library/busybox:latest");
    assertThat(ImageName.parse("nginx:1.25")).hasToString("docker.io/library/nginx:1.25");
    assertThat(ImageName.parse("myorg/app:v1")).hasToString("docker.io/myorg/app:v1");
    assertThat(ImageName.parse("registry.k8s.io/pause:3.9")).isEqualTo(new ImageName("registry.k8s.io", "pause", "3.9"));
    assertThat(ImageName.parse("localhost/app")).isEqualTo(new ImageName("localhost", "app", "latest"));
    assertThat(ImageName.parse("127.0.0.1:5000/team/app:2")).isEqualTo(new ImageName("127.0.0.1:5000", "team/app", "2"));
  }

  @Test
  void refusesWhatARegistryWouldRefuse() {
    assertThatThrownBy(() -> ImageName.parse("Busybox")).hasMessageContaining("repository");
    assertThatThrownBy(() -> ImageName.parse("busybox:" + "x".repeat(200))).hasMessageContaining("tag");
    assertThatThrownBy(() -> ImageName.parse("busybox@sha256:abc")).hasMessageContaining("digest");
  }

  @Test
  void seedImagesAreNamedAsUsersExpect() {
    assertThat(SeedImages.names()).extracting(ImageName::toString).containsExactly(
        "registry.k8s.io/pause:3.9", "docker.io/library/busybox:latest", "docker.io/library/nginx:latest");
  }
}
