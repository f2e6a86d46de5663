package dev.pier.agent.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an attached block device usable on the node, once per node, as a CSI node plugin's
 * NodeStageVolume does: formats a blank device, grows its file system when the volume grew, and
 * mounts it on the volume's global mount directory; unstaging unmounts it and removes the directory.
 *
 * <p>ext4 is grown offline, before mounting ({@code e2fsck -f -y}, then {@code resize2fs}): these
 * machines refuse to grow a mounted ext4 (NODE-STACK.md). xfs can only be grown mounted, so it is
 * grown after the mount and a failure is reported as a warning, the volume staying usable.
 *
 * <p>What is staged is read from the kernel's mount table, never remembered, so staging is
 * idempotent and an agent restarted in between finds the mount and leaves it.
 */
public final class BlockStager {
  private static final Logger log = LoggerFactory.getLogger(BlockStager.class);
  private static final Duration QUICK = Duration.ofSeconds(30);
  /** Formatting, checking and growing read the whole device's metadata: give them time. */
  private static final Duration SLOW = Duration.ofMinutes(10);
  /** A file system this much smaller than its device is grown even when no claim asked (a grow a crash cut short). */
  private static final long GROW_SLACK_BYTES = 1L << 20;

  /**
   * What to stage.
   *
   * @param device the attached block device, e.g. {@code /dev/loop3}
   * @param globalMount where the node mounts it once, for every pod that uses it
   * @param fsType the file system to find or make: {@code ext4} or {@code xfs}
   * @param growRequested the claim waits for its file system to grow ({@code FileSystemResizePending})
   */
  public record StageRequest(Path device, Path globalMount, String fsType, boolean growRequested) {
    public StageRequest {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(globalMount, "globalMount");
      if (!fsType.equals("ext4") && !fsType.equals("xfs")) {
        throw new IllegalArgumentException("fsType must be ext4 or xfs, was \"" + fsType + "\"");
      }
    }
  }

  /**
   * What staging did.
   *
   * @param alreadyStaged the device was mounted already; nothing else was done
   * @param formatted the device was blank and got a file system
   * @param grown the file system was grown to the device's size
   * @param warnings what went wrong without making the volume unusable (an xfs grow that failed)
   */
  public record StageResult(boolean alreadyStaged, boolean formatted, boolean grown, List<String> warnings) {
    public StageResult {
      warnings = List.copyOf(warnings);
    }
  }

  /** Formats, grows and mounts the device unless it is mounted on the global mount already. */
  public StageResult stage(StageRequest request) throws IOException {
    Path mount = request.globalMount().toAbsolutePath().normalize();
    String device = request.device().toString();
    Files.createDirectories(mount);
    Optional<MountTable.Entry> mounted = MountTable.read().at(mount);
    if (mounted.isPresent()) {
      if (!samePath(mounted.get().source(), device)) {
        log.warn("{} is mounted from {}, not from {}: left as it is", mount, mounted.get().source(), device);
      }
      return new StageResult(true, false, false, List.of());
    }
    boolean formatted = false;
    boolean grown = false;
    List<String> warnings = new ArrayList<>();
    String existing = fileSystemType(device);
    if (existing.isEmpty()) {
      format(device, request.fsType());
      formatted = true;
    } else if (!existing.equals(request.fsType())) {
      throw new IOException("failed to mount the volume as \"" + request.fsType() + "\", it already contains " + existing);
    } else if (request.fsType().equals("ext4") && (request.growRequested() || ext4SmallerThanDevice(device))) {
      growExt4Offline(device);
      grown = true;
    }
    log.info("mounting {} ({}) on {}", device, request.fsType(), mount);
    HostCommand.run(List.of("mount", "-t", request.fsType(), device, mount.toString()), QUICK).checked();
    if (request.fsType().equals("xfs") && request.growRequested()) {
      var r = HostCommand.run(List.of("xfs_growfs", mount.toString()), SLOW);
      if (r.exitCode() == 0) {
        grown = true;
      } else {
        warnings.add(r.describe());
        log.warn("cannot grow xfs on {}: {}", mount, r.describe());
      }
    }
    return new StageResult(false, formatted, grown, warnings);
  }

  /**
   * Unmounts the global mount and removes its directory; returns whether it was mounted. The
   * directory is removed only when empty: should the unmount not have happened, nothing of the
   * volume's data is deleted.
   */
  public boolean unstage(Path globalMount) throws IOException {
    Path mount = globalMount.toAbsolutePath().normalize();
    boolean wasMounted = MountTable.read().at(mount).isPresent();
    if (wasMounted) {
      log.info("unmounting {}", mount);
      HostCommand.run(List.of("umount", mount.toString()), QUICK).checked();
      if (MountTable.read().at(mount).isPresent()) throw new IOException(mount + " is still mounted after umount");
    }
    Files.deleteIfExists(mount);
    return wasMounted;
  }

  /** The device's file system type, empty when it has none (blkid exits 2 when it finds nothing). */
  static String fileSystemType(String device) throws IOException {
    // -p probes the device itself: the blkid cache may remember what a reused loop device held before
    var r = HostCommand.run(List.of("blkid", "-p", "-o", "value", "-s", "TYPE", device), QUICK);
    if (r.exitCode() == 2) return "";
    return r.checked().trim();
  }

  private static void format(String device, String fsType) throws IOException {
    log.info("formatting {} as {}", device, fsType);
    List<String> command = fsType.equals("ext4")
        // -m0 as the kubelet formats: a data volume needs no blocks reserved for root
        ? List.of("mkfs.ext4", "-q", "-F", "-m0", device)
        : List.of("mkfs.xfs", "-q", device);
    HostCommand.run(command, SLOW).checked();
  }

  private static void growExt4Offline(String device) throws IOException {
    log.info("growing the ext4 file system of {} offline", device);
    // e2fsck: 1 and 2 mean errors were corrected, 4 and above that some are left
    var check = HostCommand.run(List.of("e2fsck", "-f", "-y", device), SLOW);
    if (check.exitCode() >= 4) throw new IOException(check.describe());
    HostCommand.run(List.of("resize2fs", device), SLOW).checked();
  }

  private static boolean ext4SmallerThanDevice(String device) throws IOException {
    long deviceBytes = Long.parseLong(HostCommand.run(List.of("blockdev", "--getsize64", device), QUICK).checked().trim());
    long fsBytes = ext4Bytes(HostCommand.run(List.of("dumpe2fs", "-h", device), QUICK).checked());
    return fsBytes > 0 && deviceBytes - fsBytes >= GROW_SLACK_BYTES;
  }

  /** Block count times block size from {@code dumpe2fs -h}; 0 when the output says neither. */
  static long ext4Bytes(String dumpe2fsHeader) {
    long blocks = 0;
    long blockSize = 0;
    for (String line : dumpe2fsHeader.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (key.equals("Block count")) blocks = Long.parseLong(value);
      if (key.equals("Block size")) blockSize = Long.parseLong(value);
    }
    return blocks * blockSize;
  }

  private static boolean samePath(String a, String b) {
    try {
      return Path.of(a).toRealPath().equals(Path.of(b).toRealPath());
    } catch (IOException e) {
      return a.equals(b);
    }
  }
}
