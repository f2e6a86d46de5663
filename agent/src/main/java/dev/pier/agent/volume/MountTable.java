package dev.pier.agent.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node's mounts as the kernel has them ({@code /proc/self/mountinfo}): the only record of what is
 * mounted that survives an agent restart, so the agent never keeps its own.
 */
public final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** One mount: where, what file system, from which device. */
  public record Entry(Path mountPoint, String fsType, String source) {}

  private final List<Entry> entries;

  private MountTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static MountTable read() throws IOException {
    return parse(Files.readAllLines(MOUNTINFO));
  }

  /** Parses mountinfo lines: {@code id parent major:minor root point options [tags] - fstype source superoptions}. */
  static MountTable parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      int dash = List.of(f).indexOf("-");
      if (f.length < 5 || dash < 0 || dash + 2 >= f.length) continue;
      entries.add(new Entry(Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2])));
    }
    return new MountTable(entries);
  }

  /** The last mount on {@code point} (the one a path lookup sees), if any. */
  public Optional<Entry> at(Path point) {
    Path p = point.toAbsolutePath().normalize();
    Entry found = null;
    for (Entry e : entries) {
      if (e.mountPoint().equals(p)) found = e;
    }
    return Optional.ofNullable(found);
  }

  /** Mounts at or below {@code root}. */
  public List<Entry> under(Path root) {
    Path base = root.toAbsolutePath().normalize();
    return entries.stream().filter(e -> e.mountPoint().startsWith(base)).toList();
  }

  /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) return s;
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 4 <= s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
