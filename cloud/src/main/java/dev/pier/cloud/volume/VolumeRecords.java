package dev.pier.cloud.volume;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The loop provider's volumes on disk: per volume, its image {@code <id>.img} (a sparse file) and
 * beside it {@code <id>.json}, the record of what it is. A record is replaced atomically (written
 * aside, then renamed), so a crash leaves the old record or the new one, never half of one.
 */
final class VolumeRecords {
  private static final String RECORD = ".json";
  private static final String IMAGE = ".img";
  private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One volume's record.
   *
   * @param created when it was made (ISO-8601)
   * @param machine the machine it should be attached to, "" for none: kept while the provider is
   *     closed (its loop devices gone), so that what was attached where is known after a restart
   */
  record Entry(String id, String name, long sizeBytes, String type, String zone, String created, Map<String, String> tags,
      String machine) {
    Entry {
      tags = tags == null ? Map.of() : Map.copyOf(tags);
      machine = machine == null ? "" : machine;
    }

    Entry withMachine(String newMachine) {
      return new Entry(id, name, sizeBytes, type, zone, created, tags, newMachine);
    }

    Entry withSize(long newSize) {
      return new Entry(id, name, newSize, type, zone, created, tags, machine);
    }
  }

  private final Path dir;

  VolumeRecords(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path image(String id) {
    return dir.resolve(id + IMAGE);
  }

  List<Entry> list() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(RECORD)).sorted()
          .map(f -> read(f).orElse(null)).filter(e -> e != null).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list the volumes in " + dir, e);
    }
  }

  Optional<Entry> find(String id) {
    if (!validId(id)) return Optional.empty();
    return read(dir.resolve(id + RECORD));
  }

  Optional<Entry> findByName(String name) {
    return list().stream().filter(e -> e.name().equals(name)).findFirst();
  }

  void write(Entry entry) {
    Path file = dir.resolve(entry.id() + RECORD);
    Path aside = dir.resolve(entry.id() + RECORD + ".tmp");
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(aside.toFile(), entry);
      Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the record of volume " + entry.id(), e);
    }
  }

  /** Removes the image, then the record: a crash in between leaves a record that a second delete finishes. */
  void delete(String id) {
    try {
      Files.deleteIfExists(image(id));
      Files.deleteIfExists(dir.resolve(id + RECORD));
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete volume " + id, e);
    }
  }

  /** Ids are ours ({@code vol-} and hex), so a caller's id never names a path outside the directory. */
  static boolean validId(String id) {
    return id != null && id.matches("vol-[0-9a-f]{1,32}");
  }

  private static Optional<Entry> read(Path file) {
    try {
      return Optional.of(JSON.readValue(Files.readString(file), Entry.class));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the volume record " + file, e);
    }
  }
}
