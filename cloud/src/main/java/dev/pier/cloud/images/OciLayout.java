package dev.pier.cloud.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes a one-layer image as an OCI image layout directory (what skopeo's {@code oci:} transport
 * reads): the root file system as one uncompressed tar layer, the image config, the manifest and
 * {@code index.json}. The layer tar is made reproducible (sorted names, owner root, time zero), so
 * rebuilding from the same files gives the same digests.
 */
final class OciLayout {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
  private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

  private OciLayout() {}

  static void write(CommandRunner run, Path rootfs, ImageConfig config, String createdBy, Path layout) throws IOException {
    Path blobs = layout.resolve("blobs").resolve("sha256");
    Files.createDirectories(blobs);

    Path tar = layout.resolve("layer.tar.tmp");
    run.run("tar", "--create", "--file", tar.toString(), "--directory", rootfs.toString(),
        "--sort=name", "--numeric-owner", "--owner=0", "--group=0", "--mtime=@0", ".");
    String layerDigest = sha256(tar);
    long layerSize = Files.size(tar);
    Files.move(tar, blobs.resolve(layerDigest), StandardCopyOption.REPLACE_EXISTING);

    byte[] configJson = JSON.writeValueAsBytes(imageConfig(config, layerDigest, createdBy));
    String configDigest = writeBlob(blobs, configJson);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST_TYPE);
    manifest.set("config", descriptor(CONFIG_TYPE, configDigest, configJson.length));
    manifest.putArray("layers").add(descriptor(LAYER_TYPE, layerDigest, layerSize));
    byte[] manifestJson = JSON.writeValueAsBytes(manifest);
    String manifestDigest = writeBlob(blobs, manifestJson);

    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.putArray("manifests").add(descriptor(MANIFEST_TYPE, manifestDigest, manifestJson.length));
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  private static ObjectNode imageConfig(ImageConfig c, String layerDigest, String createdBy) {
    ObjectNode root = JSON.createObjectNode();
    root.put("created", "1970-01-01T00:00:00Z");
    root.put("architecture", architecture());
    root.put("os", "linux");
    ObjectNode config = root.putObject("config");
    if (!c.entrypoint().isEmpty()) strings(config.putArray("Entrypoint"), c.entrypoint());
    if (!c.cmd().isEmpty()) strings(config.putArray("Cmd"), c.cmd());
    strings(config.putArray("Env"), c.env());
    if (!c.user().isEmpty()) config.put("User", c.user());
    if (!c.exposedPorts().isEmpty()) {
      ObjectNode ports = config.putObject("ExposedPorts");
      c.exposedPorts().forEach(p -> ports.putObject(p));
    }
    if (!c.stopSignal().isEmpty()) config.put("StopSignal", c.stopSignal());
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add("sha256:" + layerDigest);
    root.putArray("history").addObject().put("created", "1970-01-01T00:00:00Z").put("created_by", createdBy);
    return root;
  }

  /** The image's architecture in Go's (and OCI's) words. */
  static String architecture() {
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> System.getProperty("os.arch");
    };
  }

  private static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", mediaType);
    d.put("digest", "sha256:" + digest);
    d.put("size", size);
    return d;
  }

  private static void strings(ArrayNode array, Iterable<String> values) {
    values.forEach(array::add);
  }

  private static String writeBlob(Path blobs, byte[] content) throws IOException {
    String digest = HexFormat.of().formatHex(sha256().digest(content));
    Files.write(blobs.resolve(digest), content);
    return digest;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
