package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code registry.k8s.io/pause}: one static program (pause.c, compiled here with gcc) that holds
 * a sandbox's namespaces, running as 65535 like Kubernetes' own.
 */
final class PauseImage implements ImageRecipe {
  static final ImageName NAME = ImageName.parse("registry.k8s.io/pause:3.9");
  private static final String SOURCE = "pause.c";

  @Override
  public ImageName name() {
    return NAME;
  }

  @Override
  public String fingerprint(CommandRunner run) throws IOException {
    try (InputStream source = source()) {
      return "pause-1-" + ImageRecipe.sha256(source);
    }
  }

  @Override
  public void build(Rootfs rootfs, Path workDir, CommandRunner run) throws IOException {
    Path source = workDir.resolve(SOURCE);
    try (InputStream in = source()) {
      Files.copy(in, source);
    }
    Path binary = workDir.resolve("pause");
    run.run("gcc", "-static", "-Os", "-s", "-o", binary.toString(), source.toString());
    rootfs.copy(binary, Path.of("/pause"));
  }

  @Override
  public ImageConfig config() {
    return new ImageConfig(List.of("/pause"), List.of(), List.of(ImageConfig.PATH), "65535:65535", List.of(), "");
  }

  private static InputStream source() {
    InputStream in = PauseImage.class.getResourceAsStream(SOURCE);
    if (in == null) throw new IllegalStateException(SOURCE + " is missing from the class path");
    return in;
  }
}
