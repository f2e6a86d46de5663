package dev.pier.agent.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mounts the agent makes on the node (tmpfs for secrets and memory-backed emptyDirs) and their
 * removal, read back from {@code /proc/self/mountinfo} so that what a crashed agent left is found
 * too.
 */
final class HostMounts {
  private HostMounts() {}

  static boolean isMountPoint(Path dir) throws IOException {
    return mountPointsUnder(dir).contains(dir.toAbsolutePath().normalize());
  }

  static void mountTmpfs(Path dir, long sizeBytes) throws IOException {
    Files.createDirectories(dir);
    if (isMountPoint(dir)) return;
    String options = "mode=0755" + (sizeBytes > 0 ? ",size=" + sizeBytes : "");
    run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
  }

  /** Unmounts everything under {@code root}, deepest first. */
  static void unmountAll(Path root) throws IOException {
    List<Path> points = mountPointsUnder(root);
    points.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path p : points) run(List.of("umount", p.toString()));
  }

  static List<Path> mountPointsUnder(Path root) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    List<Path> points = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length < 5) continue;
      Path point = Path.of(f[4].replace("\\040", " "));
      if (point.startsWith(base)) points.add(point);
    }
    return points;
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 30 s");
      }
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }
}
