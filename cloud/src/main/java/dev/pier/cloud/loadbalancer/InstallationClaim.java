package dev.pier.cloud.loadbalancer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The small number (0-255) that keeps one installation's load balancers apart from another's on
 * the same host: it picks the default VIP range {@code 127.77.<n>.0/24} and names the runtime
 * directory {@code /run/pier/lb-<n>} (HAProxy's configuration, admin socket and pid file; short
 * enough for a unix socket path).
 *
 * <p>As with the machines' network index (decision 007), creating the runtime directory is the
 * atomic claim and an {@code owner} file in it names the data directory; an installation tries
 * its previous number first, then one derived from its data directory's path, then the rest.
 */
record InstallationClaim(int index, Path runtimeDir) {
  static final int MAX_INDEX = 255;
  static final Path RUN_DIR = Path.of("/run/pier");
  private static final String OWNER = "owner";

  static InstallationClaim claim(Path dataDir, OptionalInt previous) {
    String owner = owner(dataDir);
    Set<Integer> candidates = new LinkedHashSet<>();
    previous.ifPresent(candidates::add);
    candidates.add(Math.floorMod(owner.hashCode(), MAX_INDEX + 1));
    IntStream.rangeClosed(0, MAX_INDEX).forEach(candidates::add);
    for (int index : candidates) {
      Path dir = RUN_DIR.resolve("lb-" + index);
      if (Files.isDirectory(dir)) {
        if (owner.equals(readOwner(dir))) return new InstallationClaim(index, dir); // ours, from a run that did not close
        continue;
      }
      try {
        Files.createDirectories(RUN_DIR);
        Files.createDirectory(dir);
        Files.writeString(dir.resolve(OWNER), owner);
        return new InstallationClaim(index, dir);
      } catch (FileAlreadyExistsException taken) {
        // another installation claimed it between our look and our claim
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free load balancer index on this host: all " + (MAX_INDEX + 1) + " are claimed under " + RUN_DIR);
  }

  /** Gives the number back; the runtime directory must be empty but for the owner file. */
  void release() {
    try {
      Files.deleteIfExists(runtimeDir.resolve(OWNER));
      Files.deleteIfExists(runtimeDir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not release " + runtimeDir, e);
    }
    try {
      Files.deleteIfExists(RUN_DIR);
    } catch (DirectoryNotEmptyException othersStillThere) {
      // other installations hold their claims
    } catch (IOException e) {
      throw new UncheckedIOException("could not release " + runtimeDir, e);
    }
  }

  private static String owner(Path dataDir) {
    try {
      return dataDir.toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readOwner(Path dir) {
    try {
      return Files.readString(dir.resolve(OWNER), StandardCharsets.UTF_8);
    } catch (IOException half) {
      return ""; // being claimed right now, or damaged: not ours either way
    }
  }
}
