package dev.pier.agent.kubelet;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading back a container's CRI log file ({@code <time> <stream> <P|F> <text>} lines). */
final class ContainerLogs {
  private ContainerLogs() {}

  /** The text of the last {@code lines} lines, at most {@code maxBytes} read from the end. */
  static String tail(Path file, int lines, int maxBytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, f.length() - maxBytes);
      byte[] buf = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(buf);
      String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
      List<String> texts = new ArrayList<>();
      for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
        String[] parts = all[i].split(" ", 4);
        if (parts.length == 4) texts.add(parts[3]);
      }
      return String.join("\n", texts);
    }
  }
}
