package dev.pier.cloud.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Hands out {@link HostNetwork} indexes to installations on one host.
 *
 * <p>An installation owns index {@code n} while the directory {@code /run/pier/net-<n>} exists
 * and names its data directory; creating that directory is the atomic claim, so two installations
 * starting at once cannot take the same index. The directory also holds the installation's
 * runtime state and is removed when the installation's provider closes. An installation tries
 * its previous index first, then one derived from its data directory's path, then the rest; an
 * index whose addresses some route of the host already covers is passed over.
 */
final class NetworkClaims {
  static final Path RUN_DIR = Path.of("/run/pier");
  private static final String OWNER = "owner";

  /** An index held by one installation, and its runtime directory. */
  record Claim(HostNetwork network, Path runtimeDir) {}

  private NetworkClaims() {}

  static Claim claim(Path dataDir, OptionalInt previous, List<Cidr> hostRoutes) {
    String owner = owner(dataDir);
    Set<Integer> candidates = new LinkedHashSet<>();
    previous.ifPresent(candidates::add);
    candidates.add(Math.floorMod(owner.hashCode(), HostNetwork.MAX_INDEX + 1));
    IntStream.rangeClosed(0, HostNetwork.MAX_INDEX).forEach(candidates::add);
    for (int index : candidates) {
      Path dir = RUN_DIR.resolve("net-" + index);
      var network = new HostNetwork(index);
      if (Files.isDirectory(dir)) {
        if (owner.equals(readOwner(dir))) return new Claim(network, dir); // ours, from a run that did not close
        continue;
      }
      if (hostRoutes.stream().anyMatch(r -> r.overlaps(network.machineSubnet()) || r.overlaps(network.podNetwork()))) {
        continue;
      }
      try {
        Files.createDirectories(RUN_DIR);
        Files.createDirectory(dir);
        Files.writeString(dir.resolve(OWNER), owner);
        return new Claim(network, dir);
      } catch (FileAlreadyExistsException taken) {
        // another installation claimed it between our look and our claim
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free Pier network on this host: all " + (HostNetwork.MAX_INDEX + 1)
        + " indexes are claimed under " + RUN_DIR + " or overlap the host's routes");
  }

  /** Gives the index back; the runtime directory must be empty but for the owner file. */
  static void release(Claim claim) {
    try {
      Files.deleteIfExists(claim.runtimeDir().resolve(OWNER));
      Files.deleteIfExists(claim.runtimeDir());
    } catch (IOException e) {
      throw new UncheckedIOException("could not release " + claim.runtimeDir(), e);
    }
    try {
      Files.deleteIfExists(RUN_DIR);
    } catch (DirectoryNotEmptyException othersStillThere) {
      // other installations hold their claims
    } catch (IOException e) {
      throw new UncheckedIOException("could not release " + claim.runtimeDir(), e);
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
