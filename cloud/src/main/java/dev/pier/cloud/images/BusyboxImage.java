package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker.io/library/busybox}: Debian's busybox (busybox-static, so no C library is needed;
 * a dynamic busybox brings the libraries ldd names) with a link for each applet at the path
 * {@code busybox --list-full} gives, and minimal /etc files. Static glibc still resolves host names
 * through /etc/hosts and DNS. Its {@code wget} works, except that {@code -T} (timeout) crashes
 * Debian 12's build.
 */
final class BusyboxImage implements ImageRecipe {
  static final ImageName NAME = ImageName.parse("docker.io/library/busybox:latest");
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  @Override
  public ImageName name() {
    return NAME;
  }

  @Override
  public String fingerprint(CommandRunner run) throws IOException {
    List<Path> inputs = new ArrayList<>(List.of(BUSYBOX));
    inputs.addAll(Rootfs.libraries(run, BUSYBOX));
    return ImageRecipe.fingerprint("busybox-1", inputs);
  }

  @Override
  public void build(Rootfs rootfs, Path workDir, CommandRunner run) throws IOException {
    rootfs.copyProgram(run, BUSYBOX);
    for (String applet : run.run("/bin/busybox", "--list-full").stdout().split("\n")) {
      if (!applet.isBlank() && !applet.equals("bin/busybox")) {
        rootfs.symlink("/" + applet.strip(), "/bin/busybox");
      }
    }
    rootfs.accounts(List.of(), List.of());
    rootfs.directory("/var/www", 0755);
    rootfs.directory("/home", 0755);
  }

  @Override
  public ImageConfig config() {
    return new ImageConfig(List.of(), List.of("sh"), List.of(ImageConfig.PATH), "", List.of(), "");
  }
}
