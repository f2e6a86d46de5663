package dev.pier.cloud.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format and names from an archive's index files, in tar files made by GNU tar (layers are not needed for that). */
class ImageArchiveTest {
  private static final String LAYER = "{\"digest\":\"sha256:0\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1";

  @TempDir Path dir;

  @Test
  void aDockerArchiveIsNamedByItsRepoTags() throws IOException {
    Path tar = tar("docker.tar", "manifest.json",
        "[{\"Config\":\"c.json\",\"RepoTags\":[\"myapp:v1\",\"myapp:latest\"],\"Layers\":[\"l.tar\"]}]", "./");
    ImageArchive archive = ImageArchive.read(tar);
    assertThat(archive.format()).isEqualTo(ImageArchive.Format.DOCKER_ARCHIVE);
    assertThat(archive.names()).containsExactly("myapp:v1", "myapp:latest");
    assertThat(archive.source()).isEqualTo("docker-archive:" + tar.toAbsolutePath());
  }

  @Test
  void anOciArchiveIsNamedByContainerdsAnnotationOrAFullRefName() throws IOException {
    assertThat(ociNames("{\"io.containerd.image.name\":\"docker.io/library/web:v2\",\"org.opencontainers.image.ref.name\":\"v2\"}"))
        .containsExactly("docker.io/library/web:v2");
    assertThat(ociNames("{\"org.opencontainers.image.ref.name\":\"acme/web:v3\"}")).containsExactly("acme/web:v3");
    // a tag alone names no repository
    assertThat(ociNames("{\"org.opencontainers.image.ref.name\":\"v3\"}")).isEmpty();
    assertThat(ociNames("{}")).isEmpty();
  }

  @Test
  void refusesWhatIsNoArchiveOfOneImage() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.tar"), "x".repeat(2000));
    assertThatThrownBy(() -> ImageArchive.read(text)).hasMessageContaining("is not a tar archive");
    Path empty = Files.writeString(dir.resolve("empty.tar"), "");
    assertThatThrownBy(() -> ImageArchive.read(empty)).hasMessageContaining("is not a tar archive");
    Path other = tar("other.tar", "hello.txt", "hi", "");
    assertThatThrownBy(() -> ImageArchive.read(other)).hasMessageContaining("neither a manifest.json");
    Path two = tar("two.tar", "manifest.json", "[{\"RepoTags\":[\"a:1\"]},{\"RepoTags\":[\"b:1\"]}]", "");
    assertThatThrownBy(() -> ImageArchive.read(two)).hasMessageContaining("holds 2 images");
    // gzip's magic number and method: enough to be told apart from a tar
    Path gzip = Files.write(dir.resolve("docker.tar.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
    assertThatThrownBy(() -> ImageArchive.read(gzip)).hasMessageContaining("compressed (gzip)");
  }

  private List<String> ociNames(String annotations) throws IOException {
    String index = "{\"schemaVersion\":2,\"manifests\":[" + LAYER + ",\"annotations\":" + annotations + "}]}";
    Path tar = tar("oci-" + Math.abs(annotations.hashCode()) + ".tar", "index.json", index, "");
    ImageArchive archive = ImageArchive.read(tar);
    assertThat(archive.format()).isEqualTo(ImageArchive.Format.OCI_ARCHIVE);
    return archive.names();
  }

  /** A tar of one big filler file first (so the reader skips data) and then {@code name}; {@code prefix} "./" as tar -C dir . writes. */
  private Path tar(String tarName, String name, String content, String prefix) throws IOException {
    Path src = Files.createDirectories(dir.resolve(tarName + ".src"));
    Files.write(src.resolve("filler"), new byte[100_000]);
    Files.writeString(src.resolve(name), content);
    Path tar = dir.resolve(tarName);
    List<String> command = new ArrayList<>(List.of("tar", "--create", "--file", tar.toString(), "--directory", src.toString(),
        prefix + "filler", prefix + name));
    new CommandRunner().run(command);
    return tar;
  }
}
