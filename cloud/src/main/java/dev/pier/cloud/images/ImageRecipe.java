package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How to build one seed image from what the host has installed. */
interface ImageRecipe {

  ImageName name();

  /**
   * Changes whenever the image would come out different (the recipe, or the host files it takes),
   * so that a cached build is reused only while it is still what a new build would make.
   */
  String fingerprint(CommandRunner run) throws IOException;

  void build(Rootfs rootfs, Path workDir, CommandRunner run) throws IOException;

  ImageConfig config();

  /** A digest of the recipe's version and of each input file's path, size and modification time. */
  static String fingerprint(String recipeVersion, Iterable<Path> inputs) throws IOException {
    MessageDigest digest = sha256();
    digest.update(recipeVersion.getBytes(StandardCharsets.UTF_8));
    for (Path input : inputs) {
      String line = "\n" + input + " " + Files.size(input) + " " + Files.getLastModifiedTime(input).toMillis();
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(InputStream in) throws IOException {
    return HexFormat.of().formatHex(sha256().digest(in.readAllBytes()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
