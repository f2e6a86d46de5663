package dev.pier.cloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What is on the host, read the plain way (procfs, sysfs, directories), to check what Pier left. */
final class HostState {
  private HostState() {}

  static List<String> networkNamespaces() {
    return entries(Path.of("/run/netns"));
  }

  static List<String> links() {
    return entries(Path.of("/sys/class/net"));
  }

  static List<String> mountPointsUnder(Path dir) {
    String prefix = dir.toAbsolutePath().normalize().toString();
    return lines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> line.split(" ")[4])
        .filter(point -> point.equals(prefix) || point.startsWith(prefix + "/"))
        .toList();
  }

  /** Command lines of processes that mention {@code text} (the test JVM and its children excluded). */
  static List<String> processesMentioning(String text) {
    long self = ProcessHandle.current().pid();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.pid() != self)
          .map(p -> commandLine(p.pid()))
          .flatMap(Optional::stream)
          .filter(cmd -> cmd.contains(text))
          .toList();
    }
  }

  /** cgroup directories named {@code name} below /pier in any hierarchy. */
  static List<Path> pierCgroups(String name) {
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      return hierarchies.map(h -> h.resolve("pier").resolve(name)).filter(Files::isDirectory).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> entries(Path dir) {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Optional.of(new String(raw).replace('\0', ' '));
    } catch (IOException gone) {
      return Optional.empty();
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
