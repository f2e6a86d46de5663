package dev.pier.agent.kubelet;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the files of a configMap, secret, downwardAPI or projected volume so that a container
 * never sees half of an update, as the kubelet's atomic writer does: the files go into a fresh
 * hidden directory, {@code ..data} is a symlink to it swapped by one rename, and every visible
 * name is a symlink through {@code ..data}. Unchanged contents write nothing.
 */
final class AtomicDirectory {
  static final String DATA = "..data";

  /** One file: its bytes and its mode (e.g. 0644). */
  record Payload(byte[] content, int mode) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Payload p && p.mode == mode && Arrays.equals(p.content, content);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(content) * 31 + mode;
    }
  }

  private AtomicDirectory() {}

  /** Makes {@code dir} show exactly {@code files} (relative paths); returns whether anything changed. */
  static boolean write(Path dir, Map<String, Payload> files) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    if (Files.isSymbolicLink(data) && read(data.toRealPath()).equals(files)) return false;

    Path fresh = Files.createTempDirectory(dir, "..").toAbsolutePath();
    for (var e : files.entrySet()) {
      Path file = fresh.resolve(e.getKey()).normalize();
      if (!file.startsWith(fresh)) throw new IOException("volume path escapes its volume: " + e.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, e.getValue().content());
      Files.setPosixFilePermissions(file, permissions(e.getValue().mode()));
    }
    Files.setPosixFilePermissions(fresh, permissions(0755));
    Path old = Files.isSymbolicLink(data) ? data.toRealPath() : null;
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, fresh.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    Set<String> top = files.keySet().stream().map(k -> k.split("/", 2)[0]).collect(Collectors.toSet());
    for (String name : top) {
      Path link = dir.resolve(name);
      if (!Files.isSymbolicLink(link)) {
        try {
          Files.createSymbolicLink(link, Path.of(DATA, name));
        } catch (FileAlreadyExistsException e) {
          // a user-visible name that was a file: replace it with the link
          Files.delete(link);
          Files.createSymbolicLink(link, Path.of(DATA, name));
        }
      }
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith("..") && !top.contains(name)) Files.deleteIfExists(p);
      }
    }
    if (old != null && !old.equals(fresh)) deleteTree(old);
    return true;
  }

  private static Map<String, Payload> read(Path root) throws IOException {
    Map<String, Payload> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), new Payload(Files.readAllBytes(p), mode(Files.getPosixFilePermissions(p))));
      }
    }
    return files;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) set.add(order[bit]);
    }
    return set;
  }

  private static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int bit = 0; bit < 9; bit++) {
      if (permissions.contains(permissions(1 << bit).iterator().next())) mode |= 1 << bit;
    }
    return mode;
  }
}
