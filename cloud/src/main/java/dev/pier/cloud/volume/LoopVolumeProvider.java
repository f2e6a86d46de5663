package dev.pier.cloud.volume;

import dev.pier.cloud.host.CommandException;
import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.host.DirectoryLock;
import dev.pier.cloud.volume.Volume.Attachment;
import dev.pier.cloud.volume.VolumeException.Code;
import dev.pier.cloud.volume.VolumeRecords.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes on the local host: a sparse file per volume under {@code <dataDir>/volumes/} with its
 * record beside it ({@link VolumeRecords}), attached as a loop device. The machines share the
 * host's devices and mount namespace (decision 007), so attaching to a machine means making the
 * device and remembering which machine it is for.
 *
 * <p>Whether a volume is attached, and as which device, is read from the kernel on every call
 * ({@link LoopDevices}), never from this object's memory: after a crash the devices a previous
 * instance made are found, and after a reboot (or {@link #close}) their absence is. The record
 * keeps the machine a volume should be attached to; it is written before the device is made and
 * cleared after the device is gone, so the kernel and the record never disagree about a volume that
 * is attached. Sizes are whole MiB (requests are rounded up). The provider has one zone,
 * {@value #ZONE}.
 *
 * <p>One lock serialises the operations: each is a file write and a {@code losetup} or two, far
 * shorter than the controllers' syncs that call them. A lock file keeps a second provider (another
 * Pier on the same data directory) out, since closing one would detach the other's devices.
 */
public final class LoopVolumeProvider implements VolumeProvider {
  private static final Logger log = LoggerFactory.getLogger(LoopVolumeProvider.class);
  public static final String ZONE = "local";
  static final long MIB = 1L << 20;

  private final VolumeRecords records;
  private final LoopDevices loops;
  private final DirectoryLock dirLock;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  private LoopVolumeProvider(VolumeRecords records, LoopDevices loops, DirectoryLock dirLock, Clock clock) {
    this.records = records;
    this.loops = loops;
    this.dirLock = dirLock;
    this.clock = clock;
  }

  /**
   * The provider of the volumes under {@code <dataDir>/volumes/}.
   *
   * @throws IllegalStateException when another provider uses that directory
   */
  public static LoopVolumeProvider open(Path dataDir) {
    return open(dataDir, new CommandRunner(), Clock.systemUTC());
  }

  static LoopVolumeProvider open(Path dataDir, CommandRunner run, Clock clock) {
    Path dir = dataDir.resolve("volumes");
    DirectoryLock dirLock = DirectoryLock.acquire(dir, ".lock", "another Pier process manages the volumes of " + dataDir);
    try {
      // the kernel names backing files by their real path
      dir = dir.toRealPath();
    } catch (IOException e) {
      dirLock.close();
      throw new UncheckedIOException(e);
    }
    log.info("loop volume provider on {}", dir);
    return new LoopVolumeProvider(new VolumeRecords(dir), new LoopDevices(run), dirLock, clock);
  }

  @Override
  public Volume create(VolumeSpec spec) {
    if (!spec.zone().equals(ZONE)) {
      throw new IllegalArgumentException("the loop volume provider has one zone, \"" + ZONE + "\"; asked for \"" + spec.zone() + "\"");
    }
    long size = roundUp(spec.sizeBytes());
    return locked(() -> {
      Optional<Entry> existing = records.findByName(spec.name());
      if (existing.isPresent()) {
        Entry e = existing.get();
        if (!e.type().equals(spec.type()) || e.sizeBytes() < size) {
          throw new VolumeException(Code.NAME_CONFLICT, "volume " + e.id() + " named \"" + spec.name() + "\" exists with type " + e.type()
              + " and " + e.sizeBytes() + " bytes; asked for type " + spec.type() + " and " + size + " bytes");
        }
        return volume(e, devices());
      }
      String id = newId();
      Path image = records.image(id);
      try (var file = new RandomAccessFile(image.toFile(), "rw")) {
        file.setLength(size); // sparse: takes no disk space until written
      } catch (IOException e) {
        throw new VolumeException(Code.FAILED, "could not make the image of volume \"" + spec.name() + "\": " + e.getMessage(), e);
      }
      Entry entry = new Entry(id, spec.name(), size, spec.type(), spec.zone(), Instant.now(clock).toString(), spec.tags(), "");
      records.write(entry);
      log.info("created volume {} ({}, {} MiB)", id, spec.name(), size / MIB);
      return volume(entry, Map.of());
    });
  }

  @Override
  public void delete(String id) {
    locked(() -> {
      Optional<Entry> entry = records.find(id);
      if (entry.isEmpty()) return null;
      String device = devices().get(records.image(id));
      if (device != null) {
        throw new VolumeException(Code.IN_USE, "volume " + id + " is attached to machine " + describeMachine(entry.get())
            + " as " + device + ": detach it first");
      }
      records.delete(id);
      log.info("deleted volume {} ({})", id, entry.get().name());
      return null;
    });
  }

  @Override
  public Volume attach(String id, String machine) {
    requireMachine(machine);
    return locked(() -> {
      Entry entry = find(id);
      Map<Path, String> devices = devices();
      String device = devices.get(records.image(id));
      if (device != null) {
        if (entry.machine().equals(machine)) return volume(entry, devices);
        if (!entry.machine().isEmpty()) {
          throw new VolumeException(Code.ATTACHED_ELSEWHERE, "volume " + id + " is attached to machine " + entry.machine()
              + " as " + device + "; it cannot be attached to " + machine + " too");
        }
        // a device without a machine: made by hand, or by a run that crashed between its two writes
        log.warn("volume {} is attached as {} for no machine; giving it to {}", id, device, machine);
      }
      Entry wanted = entry.withMachine(machine);
      records.write(wanted); // the intent first: a crash after losetup still knows whose device it is
      if (device == null) {
        device = command("attach volume " + id, () -> loops.attach(records.image(id)));
        log.info("attached volume {} to machine {} as {}", id, machine, device);
      }
      return volume(wanted, devices());
    });
  }

  @Override
  public void detach(String id, String machine) {
    requireMachine(machine);
    locked(() -> {
      Optional<Entry> found = records.find(id);
      if (found.isEmpty()) return null;
      Entry entry = found.get();
      if (!entry.machine().isEmpty() && !entry.machine().equals(machine)) return null; // not this machine's
      String device = devices().get(records.image(id));
      if (device != null) {
        command("detach volume " + id, () -> {
          loops.detach(device);
          return null;
        });
        if (devices().containsKey(records.image(id))) {
          // still open (mounted on the machine): the kernel frees it once closed; until then it is attached
          throw new VolumeException(Code.IN_USE, "volume " + id + " on machine " + machine + " (" + device
              + ") is still open, probably mounted; it is detached once closed");
        }
        log.info("detached volume {} from machine {} ({})", id, machine, device);
      }
      if (!entry.machine().isEmpty()) records.write(entry.withMachine(""));
      return null;
    });
  }

  @Override
  public Volume expand(String id, long newSizeBytes) {
    if (newSizeBytes <= 0) throw new IllegalArgumentException("volume size must be positive, was " + newSizeBytes + " bytes");
    long size = roundUp(newSizeBytes);
    return locked(() -> {
      Entry entry = find(id);
      long current = currentSize(entry);
      if (size < current) {
        throw new VolumeException(Code.SHRINK, "volume " + id + " has " + current + " bytes and cannot shrink to " + size);
      }
      Map<Path, String> devices = devices();
      if (size == current && entry.sizeBytes() == size) return volume(entry, devices);
      try (var file = new RandomAccessFile(records.image(id).toFile(), "rw")) {
        file.setLength(size);
      } catch (IOException e) {
        throw new VolumeException(Code.FAILED, "could not grow volume " + id + ": " + e.getMessage(), e);
      }
      Entry grown = entry.withSize(size);
      records.write(grown);
      String device = devices.get(records.image(id));
      if (device != null) command("refresh the size of " + device, () -> {
        loops.refreshSize(device);
        return null;
      });
      log.info("expanded volume {} from {} to {} MiB", id, current / MIB, size / MIB);
      return volume(grown, devices);
    });
  }

  @Override
  public List<Volume> list() {
    return locked(() -> {
      Map<Path, String> devices = devices();
      return records.list().stream().map(e -> volume(e, devices)).toList();
    });
  }

  @Override
  public Optional<Volume> get(String id) {
    return locked(() -> records.find(id).map(e -> volume(e, devices())));
  }

  /** Detaches every loop device of these volumes (the machines are gone by now); keeps the files and records. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      for (var device : loops.backedByFilesIn(records.dir()).entrySet()) {
        try {
          loops.detach(device.getValue());
          log.info("detached {} ({}) on close", device.getValue(), device.getKey().getFileName());
        } catch (CommandException e) {
          log.warn("could not detach {} on close: {}", device.getValue(), e.getMessage());
        }
      }
      var stillOpen = loops.backedByFilesIn(records.dir());
      if (!stillOpen.isEmpty()) {
        // mounted somewhere still (a machine's mount outlived it): the kernel frees them once unmounted
        log.warn("loop devices still open after detaching, freed once unmounted: {}", stillOpen.values());
      }
    } finally {
      lock.unlock();
      dirLock.close();
    }
  }

  private Volume volume(Entry entry, Map<Path, String> devices) {
    String device = devices.get(records.image(entry.id()));
    Optional<Attachment> attachment = Optional.ofNullable(device).map(d -> new Attachment(entry.machine(), d));
    return new Volume(entry.id(), entry.name(), currentSize(entry), entry.type(), entry.zone(),
        device == null ? Volume.State.AVAILABLE : Volume.State.IN_USE, attachment);
  }

  /** The image's size: the truth on disk, should a crash have come between growing it and writing the record. */
  private long currentSize(Entry entry) {
    try {
      return Files.size(records.image(entry.id()));
    } catch (IOException missing) {
      return entry.sizeBytes();
    }
  }

  private Map<Path, String> devices() {
    return loops.backedByFilesIn(records.dir());
  }

  private Entry find(String id) {
    return records.find(id).orElseThrow(() -> new VolumeException(Code.NOT_FOUND, "no volume " + id));
  }

  private static String describeMachine(Entry entry) {
    return entry.machine().isEmpty() ? "(none recorded)" : entry.machine();
  }

  private static <T> T command(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (CommandException e) {
      throw new VolumeException(Code.FAILED, "could not " + what + ": " + e.getMessage(), e);
    }
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      if (closed) throw new IllegalStateException("the loop volume provider on " + records.dir() + " is closed");
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private static void requireMachine(String machine) {
    if (machine == null || machine.isBlank()) throw new IllegalArgumentException("machine name is blank");
  }

  static long roundUp(long bytes) {
    return Math.multiplyExact(Math.ceilDiv(bytes, MIB), MIB);
  }

  private static String newId() {
    return "vol-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
