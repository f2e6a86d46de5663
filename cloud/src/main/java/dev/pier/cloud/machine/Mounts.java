package dev.pier.cloud.machine;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Mounts under a directory, read from /proc/self/mountinfo. A node's containerd shares the host's
 * mount namespace, so the overlay root filesystems, shm and network-namespace mounts it makes are
 * visible (and left behind if it dies) there.
 */
final class Mounts {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /** Mount points at or below {@code dir}, deepest first. */
  static List<Path> under(Path dir) {
    Path prefix = dir.toAbsolutePath().normalize();
    try {
      return Files.readAllLines(MOUNTINFO).stream()
          .map(line -> Path.of(unescape(line.split(" ")[4])))
          .filter(point -> point.startsWith(prefix))
          .distinct()
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unmounts everything under {@code dir}; a busy mount is detached lazily rather than kept. */
  static void unmountAll(CommandRunner run, Path dir) {
    // stacked mounts on one point need one umount each: repeat until none is left
    for (int round = 0; round < 10; round++) {
      List<Path> points = under(dir);
      if (points.isEmpty()) return;
      for (Path point : points) {
        if (!run.runAllowingFailure(List.of("umount", point.toString())).succeeded()) {
          run.runAllowingFailure(List.of("umount", "-l", point.toString()));
        }
      }
    }
    List<Path> left = under(dir);
    if (!left.isEmpty()) throw new IllegalStateException("could not unmount " + left);
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
