package dev.pier.cloud.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine's cgroups: {@code /pier/<machine id>} in every mounted hierarchy (each cgroup v1
 * controller, the named systemd one, or the single cgroup v2 tree). containerd moves itself there
 * ({@code [cgroup] path}), its shims inherit it, and pods go below it, so the cgroups name every
 * process a machine has, even ones an earlier, crashed run left.
 */
final class Cgroups {
  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
  static final String ROOT = "pier";

  private Cgroups() {}

  /** The machine's cgroup directories that exist, one per hierarchy. */
  static List<Path> of(String machineId) {
    return hierarchies().stream()
        .map(h -> h.resolve(ROOT).resolve(machineId))
        .filter(Files::isDirectory)
        .toList();
  }

  /** Every mount point of a cgroup hierarchy (v1 or v2). */
  static List<Path> hierarchies() {
    try {
      List<Path> result = new ArrayList<>();
      for (String line : Files.readAllLines(MOUNTINFO)) {
        String[] halves = line.split(" - ", 2);
        if (halves.length < 2) continue;
        String fsType = halves[1].split(" ")[0];
        if (fsType.equals("cgroup") || fsType.equals("cgroup2")) {
          result.add(Path.of(halves[0].split(" ")[4]));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Process ids in the machine's cgroups and their descendants. */
  static List<Long> processes(String machineId) {
    List<Long> pids = new ArrayList<>();
    for (Path dir : of(machineId)) {
      for (Path group : tree(dir)) {
        try {
          for (String line : Files.readAllLines(group.resolve("cgroup.procs"))) {
            if (!line.isBlank()) pids.add(Long.parseLong(line.strip()));
          }
        } catch (NoSuchFileException gone) {
          // removed while we looked
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return pids.stream().distinct().toList();
  }

  /** Kills (SIGKILL) every process of the machine until none is left, or throws after {@code timeout}. */
  static void killAll(String machineId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Long> pids = processes(machineId);
      if (pids.isEmpty()) return;
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("processes of " + machineId + " survive SIGKILL: " + pids);
      }
      log.info("killing {} process(es) left in machine {}: {}", pids.size(), machineId, pids);
      List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
      for (long pid : pids) {
        ProcessHandle.of(pid).ifPresent(p -> {
          p.destroyForcibly();
          exits.add(p.onExit());
        });
      }
      try {
        // a killed task leaves its cgroup as it exits; look again after they did (or a second passed)
        CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException stillThere) {
        // checked again above
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing the processes of " + machineId, e);
      }
    }
  }

  /** Removes the machine's cgroups, deepest first, and /pier itself where it is then empty. */
  static void remove(String machineId) {
    for (Path dir : of(machineId)) {
      for (Path group : tree(dir).reversed()) {
        try {
          Files.deleteIfExists(group); // rmdir: a cgroup directory goes when it has no tasks and no children
        } catch (IOException e) {
          throw new UncheckedIOException("could not remove cgroup " + group, e);
        }
      }
    }
    for (Path hierarchy : hierarchies()) {
      try {
        Files.deleteIfExists(hierarchy.resolve(ROOT));
      } catch (DirectoryNotEmptyException othersStillThere) {
        // other machines, perhaps of another installation, still use it
      } catch (IOException e) {
        log.debug("could not remove {}: {}", hierarchy.resolve(ROOT), e.toString());
      }
    }
  }

  /** The cgroup directory and its descendants, parents before children. */
  private static List<Path> tree(Path dir) {
    // cgroupfs directories hold only control files besides child groups
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount)).toList();
    } catch (NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
