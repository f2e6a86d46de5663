package dev.pier.agent.kubelet;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * What the node is made of, read from the host as the kubelet reads it: CPUs, memory, the data
 * directory's file system, the OS image and kernel. A machine of the local provider shares the
 * host's kernel and hardware, so several nodes report the same capacity.
 */
record NodeFacts(int cpus, long memoryBytes, long ephemeralStorageBytes, String osImage, String kernelVersion,
    String machineId, String bootId) {

  static NodeFacts read(Path dataDir) {
    return new NodeFacts(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        fileSystemSize(dataDir),
        readOsImage(),
        firstLine(Path.of("/proc/sys/kernel/osrelease"), "unknown"),
        nodeId(dataDir),
        firstLine(Path.of("/proc/sys/kernel/random/boot_id"), ""));
  }

  private static long memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: the JVM's view is the next best
    }
    return Runtime.getRuntime().maxMemory();
  }

  private static long fileSystemSize(Path dir) {
    try {
      Files.createDirectories(dir);
      FileStore store = Files.getFileStore(dir);
      return store.getTotalSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String readOsImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) return line.substring(12).replace("\"", "");
      }
    } catch (IOException e) {
      // not every system has it
    }
    return "Linux";
  }

  private static String firstLine(Path file, String fallback) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? fallback : lines.getFirst().trim();
    } catch (IOException e) {
      return fallback;
    }
  }

  /**
   * Machines on one host share /etc/machine-id, so each node keeps an id of its own in its data
   * directory: the Node's machineID and systemUUID stay the same across agent restarts.
   */
  private static String nodeId(Path dataDir) {
    Path file = dataDir.resolve("node-id");
    try {
      if (Files.exists(file)) return Files.readString(file).trim();
      String id = UUID.randomUUID().toString().replace("-", "");
      Files.createDirectories(dataDir);
      Files.writeString(file, id);
      return id;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot keep the node id in " + file, e);
    }
  }
}
