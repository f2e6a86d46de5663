package dev.pier.cloud.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image in a tar file, as {@code docker save} or {@code skopeo copy ... docker-archive:F} writes
 * it (a {@code manifest.json} listing each image's config, layers and {@code RepoTags}), or as an OCI
 * image layout in a tar ({@code skopeo copy ... oci-archive:F}, BuildKit's OCI exporter: an
 * {@code index.json} whose manifests may carry a name in their annotations). Plain tar only, as skopeo
 * reads them.
 *
 * <p>Only the archive's small index files are read (layers are skipped over), so that the format
 * and the names are known before skopeo copies anything. Docker's own archives since Docker 25 hold
 * both files; they are read as docker-archives, whose names are complete.
 */
public record ImageArchive(Path file, Format format, List<String> names) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCKER_MANIFEST = "manifest.json";
  private static final String OCI_INDEX = "index.json";
  private static final int BLOCK = 512;
  private static final int MAX_INDEX_BYTES = 4 << 20;
  // containerd's and BuildKit's annotation with the image's complete name
  private static final String CONTAINERD_NAME = "io.containerd.image.name";
  private static final String OCI_REF_NAME = "org.opencontainers.image.ref.name";

  /** The formats skopeo reads, by its transport names. */
  public enum Format {
    DOCKER_ARCHIVE("docker-archive"), OCI_ARCHIVE("oci-archive");

    private final String transport;

    Format(String transport) {
      this.transport = transport;
    }

    public String transport() {
      return transport;
    }
  }

  public ImageArchive {
    names = List.copyOf(names);
  }

  /** What skopeo copies from: {@code docker-archive:/abs/file} or {@code oci-archive:/abs/file}. */
  public String source() {
    return format.transport() + ":" + file.toAbsolutePath();
  }

  /**
   * Reads the archive's format and the image names it carries (possibly none).
   *
   * @throws IllegalArgumentException when the file is not an image archive of one image, with a
   *     message for the user
   */
  public static ImageArchive read(Path file) throws IOException {
    Map<String, byte[]> index = indexFiles(file);
    if (index.containsKey(DOCKER_MANIFEST)) {
      return new ImageArchive(file, Format.DOCKER_ARCHIVE, dockerNames(file, JSON.readTree(index.get(DOCKER_MANIFEST))));
    }
    if (index.containsKey(OCI_INDEX)) {
      return new ImageArchive(file, Format.OCI_ARCHIVE, ociNames(file, JSON.readTree(index.get(OCI_INDEX))));
    }
    throw new IllegalArgumentException(file + " is a tar file but no image archive: it has neither a manifest.json "
        + "(docker save, docker-archive) nor an index.json (OCI archive)");
  }

  private static List<String> dockerNames(Path file, JsonNode manifest) {
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw new IllegalArgumentException(file + ": its manifest.json lists no image");
    }
    if (manifest.size() > 1) {
      throw new IllegalArgumentException(file + " holds " + manifest.size() + " images; push an archive of one image");
    }
    List<String> names = new ArrayList<>();
    manifest.get(0).path("RepoTags").forEach(tag -> names.add(tag.asText()));
    return names;
  }

  private static List<String> ociNames(Path file, JsonNode index) {
    JsonNode manifests = index.path("manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw new IllegalArgumentException(file + ": its index.json lists no image");
    }
    if (manifests.size() > 1) {
      throw new IllegalArgumentException(file + " holds " + manifests.size() + " images; push an archive of one image");
    }
    JsonNode annotations = manifests.get(0).path("annotations");
    String full = annotations.path(CONTAINERD_NAME).asText("");
    if (!full.isEmpty()) return List.of(full);
    // skopeo writes whatever followed oci-archive:FILE: as the ref name; the OCI convention is a tag
    // alone ("v1"), which names no repository, so only a name with a repository or tag part counts
    String ref = annotations.path(OCI_REF_NAME).asText("");
    return ref.contains(":") || ref.contains("/") ? List.of(ref) : List.of();
  }

  /** The archive's top-level manifest.json and index.json, if any; fails on what is not a tar. */
  private static Map<String, byte[]> indexFiles(Path file) throws IOException {
    Map<String, byte[]> found = new HashMap<>();
    boolean first = true;
    try (InputStream in = open(file)) {
      byte[] header = new byte[BLOCK];
      while (readBlock(in, header)) {
        if (isZeros(header)) break; // end of archive
        if (!checksumOk(header)) {
          if (first) throw new IllegalArgumentException(file + " is not a tar archive (docker save or skopeo copy output)");
          throw new IOException(file + ": corrupt tar header after the first entry");
        }
        first = false;
        long size = octal(header, 124, 12);
        String name = name(header);
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if (Set.of(DOCKER_MANIFEST, OCI_INDEX).contains(name) && header[156] != 'x' && header[156] != 'L') {
          if (size > MAX_INDEX_BYTES) throw new IllegalArgumentException(file + ": its " + name + " is too large");
          byte[] content = in.readNBytes((int) size);
          if (content.length < size) throw new EOFException(file + " ends inside " + name);
          found.put(name, content);
          skip(in, padded - size);
        } else {
          skip(in, padded);
        }
      }
    } catch (EOFException e) {
      if (first) throw new IllegalArgumentException(file + " is not a tar archive (docker save or skopeo copy output)", e);
      if (found.isEmpty()) throw new IllegalArgumentException(file + " is not a complete tar archive", e);
    }
    if (first) throw new IllegalArgumentException(file + " is not a tar archive (docker save or skopeo copy output): it is empty");
    return found;
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in.close();
      // skopeo's docker-archive transport fails on these ("loading tar component manifest.json: unexpected EOF")
      throw new IllegalArgumentException(file + " is compressed (gzip): decompress it first (gunzip), skopeo reads plain tar archives");
    }
    return in;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) return false;
    if (n < BLOCK) throw new EOFException("truncated tar header");
    return true;
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    in.skipNBytes(bytes);
  }

  private static boolean isZeros(byte[] block) {
    for (byte b : block) if (b != 0) return false;
    return true;
  }

  /** The header's checksum: the sum of its bytes with the checksum field counted as spaces. */
  private static boolean checksumOk(byte[] header) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    try {
      return sum == octal(header, 148, 8);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long octal(byte[] header, int offset, int length) {
    if ((header[offset] & 0x80) != 0) { // GNU base-256 for sizes of 8 GB and more
      long value = header[offset] & 0x7f;
      for (int i = 1; i < length; i++) value = (value << 8) | (header[offset + i] & 0xff);
      return value;
    }
    String text = new String(header, offset, length, StandardCharsets.US_ASCII).replace("\0", "").strip();
    if (text.isEmpty()) throw new NumberFormatException("empty octal field");
    return Long.parseLong(text, 8);
  }

  /** The entry's path without a leading "./" (tar -C dir . writes one). */
  private static String name(byte[] header) {
    String name = cString(header, 0, 100);
    boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? cString(header, 345, 155) : "";
    String path = prefix.isEmpty() ? name : prefix + "/" + name;
    while (path.startsWith("./")) path = path.substring(2);
    return path;
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) end++;
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }
}
