package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Puts files of the host into an image's root file system, at the same paths. */
final class Rootfs {
  /** ldd lines: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)". */
  private static final Pattern LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x[0-9a-f]+\\)");

  private final Path root;

  Rootfs(Path root) {
    this.root = root;
  }

  /** Copies a host file's content (following links) to the same path in the image, keeping its mode. */
  void copy(Path hostFile) throws IOException {
    copy(hostFile, hostFile);
  }

  void copy(Path hostFile, Path imagePath) throws IOException {
    Path target = inImage(imagePath);
    Files.createDirectories(target.getParent());
    Files.copy(hostFile, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
  }

  /** Copies a program and every shared library {@code ldd} says it loads (none for a static one). */
  void copyProgram(CommandRunner run, Path program) throws IOException {
    copy(program);
    for (Path library : libraries(run, program)) copy(library);
  }

  static List<Path> libraries(CommandRunner run, Path program) {
    var result = run.runAllowingFailure(List.of("ldd", program.toString()));
    List<Path> libraries = new ArrayList<>();
    if (!result.succeeded()) return libraries; // "not a dynamic executable"
    for (String line : result.stdout().split("\n")) {
      Matcher m = LIBRARY.matcher(line);
      if (m.find()) libraries.add(Path.of(m.group(1)));
    }
    return libraries;
  }

  void write(String imagePath, String content) throws IOException {
    Path target = inImage(Path.of(imagePath));
    Files.createDirectories(target.getParent());
    Files.writeString(target, content);
  }

  /** A directory with an octal mode, e.g. {@code 01777} for /tmp (the sticky bit needs the "unix" attribute view). */
  void directory(String imagePath, int mode) throws IOException {
    Path dir = inImage(Path.of(imagePath));
    Files.createDirectories(dir);
    Files.setAttribute(dir, "unix:mode", mode);
  }

  void symlink(String imagePath, String target) throws IOException {
    Path link = inImage(Path.of(imagePath));
    Files.createDirectories(link.getParent());
    if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, Path.of(target));
  }

  /** Minimal user and group databases; {@code extraUsers}/{@code extraGroups} are passwd/group lines. */
  void accounts(List<String> extraUsers, List<String> extraGroups) throws IOException {
    List<String> passwd = new ArrayList<>(List.of("root:x:0:0:root:/root:/bin/sh"));
    passwd.addAll(extraUsers);
    passwd.add("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin");
    List<String> group = new ArrayList<>(List.of("root:x:0:"));
    group.addAll(extraGroups);
    group.add("nogroup:x:65534:");
    write("/etc/passwd", String.join("\n", passwd) + "\n");
    write("/etc/group", String.join("\n", group) + "\n");
    write("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
    directory("/root", 0700);
    directory("/tmp", 01777);
  }

  private Path inImage(Path imagePath) {
    return root.resolve(root.getRoot().relativize(imagePath.toAbsolutePath()));
  }
}
