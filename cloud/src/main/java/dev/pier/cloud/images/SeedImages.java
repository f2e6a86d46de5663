package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images every installation's registry holds, built on this host from Debian's packages so
 * that the usual quick-start commands run without the internet: {@link #PAUSE} (the sandbox
 * image), {@link #BUSYBOX} and {@link #NGINX}. They are local builds, not Docker Hub's images.
 *
 * <p>Each build is kept as an OCI layout under the cache directory with its recipe's fingerprint;
 * it is rebuilt only when the fingerprint changes (the host's package was updated) and pushed only
 * when the registry lacks the image or the build is new.
 */
public final class SeedImages {
  private static final Logger log = LoggerFactory.getLogger(SeedImages.class);

  public static final ImageName PAUSE = PauseImage.NAME;
  public static final ImageName BUSYBOX = BusyboxImage.NAME;
  public static final ImageName NGINX = NginxImage.NAME;

  private static final List<ImageRecipe> RECIPES = List.of(new PauseImage(), new BusyboxImage(), new NginxImage());

  private SeedImages() {}

  public static List<ImageName> names() {
    return RECIPES.stream().map(ImageRecipe::name).toList();
  }

  /** Makes sure the registry holds every seed image, building what the cache lacks. */
  public static void ensure(LocalRegistry registry, Path cacheDir) {
    var run = new CommandRunner();
    for (ImageRecipe recipe : RECIPES) {
      try {
        ensure(recipe, registry, cacheDir.resolve(recipe.name().repository().replace('/', '_')), run);
      } catch (IOException e) {
        throw new UncheckedIOException("could not build the seed image " + recipe.name(), e);
      }
    }
  }

  private static void ensure(ImageRecipe recipe, LocalRegistry registry, Path dir, CommandRunner run) throws IOException {
    String fingerprint = recipe.fingerprint(run);
    Path layout = dir.resolve("oci");
    Path stamp = dir.resolve("fingerprint");
    boolean cached = Files.exists(stamp) && Files.readString(stamp).equals(fingerprint) && Files.exists(layout.resolve("index.json"));
    if (cached && registry.has(recipe.name())) return;
    if (!cached) {
      log.info("building seed image {}", recipe.name());
      run.run("rm", "-rf", "--one-file-system", dir.toString());
      Path rootfs = dir.resolve("rootfs");
      Path work = dir.resolve("work");
      Files.createDirectories(rootfs);
      Files.createDirectories(work);
      recipe.build(new Rootfs(rootfs), work, run);
      OciLayout.write(run, rootfs, recipe.config(), "pier: seed image " + recipe.name(), layout);
      run.run("rm", "-rf", "--one-file-system", rootfs.toString(), work.toString());
      Files.writeString(stamp, fingerprint);
    }
    registry.push("oci:" + layout, recipe.name());
  }
}
