package dev.pier.cloud.volume;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The host's loop devices as the kernel has them: {@code /sys/block/loop<N>/loop/backing_file}
 * names the file behind each attached one. Loop devices are global to the host, shared with every
 * other program and installation, so callers only ever look at devices backed by their own files.
 */
final class LoopDevices {
  private static final Path SYS_BLOCK = Path.of("/sys/block");
  /** What the kernel appends to a backing file's path once the file is unlinked. */
  private static final String DELETED = " (deleted)";

  private final CommandRunner run;

  LoopDevices(CommandRunner run) {
    this.run = run;
  }

  /** Each attached loop device whose backing file is directly in {@code dir}: backing file → {@code /dev/loopN}. */
  Map<Path, String> backedByFilesIn(Path dir) {
    Map<Path, String> devices = new HashMap<>();
    try (Stream<Path> blocks = Files.list(SYS_BLOCK)) {
      for (Path block : blocks.filter(b -> b.getFileName().toString().startsWith("loop")).sorted().toList()) {
        String backing = readBackingFile(block);
        if (backing == null) continue;
        if (backing.endsWith(DELETED)) backing = backing.substring(0, backing.length() - DELETED.length());
        Path file = Path.of(backing);
        if (dir.equals(file.getParent())) devices.putIfAbsent(file, "/dev/" + block.getFileName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + SYS_BLOCK, e);
    }
    return devices;
  }

  /** Attaches {@code file} to a free loop device (the kernel makes one beyond loop7 when all are taken); returns its path. */
  String attach(Path file) {
    return run.run("losetup", "--find", "--show", file.toString()).stdout().strip();
  }

  /**
   * Detaches a device. One still open (mounted) is only marked to go once closed, so the caller
   * reads the kernel again to know whether it went.
   */
  void detach(String device) {
    run.run("losetup", "--detach", device);
  }

  /** Makes an attached device see its backing file's new size. */
  void refreshSize(String device) {
    run.run("losetup", "--set-capacity", device);
  }

  private static String readBackingFile(Path block) {
    try {
      return Files.readString(block.resolve("loop").resolve("backing_file")).strip();
    } catch (NoSuchFileException detachedOrUnused) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the backing file of " + block.getFileName(), e);
    }
  }
}
