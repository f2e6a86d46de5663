package dev.pier.agent.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Streams a CRI log file as the kubelet does for {@code GET /containerLogs}: from the last
 * {@code tailLines} lines (found by reading backwards from the end), skipping lines older than
 * {@code since}, up to {@code limitBytes}, and, when following, on as the runtime appends until
 * the container has stopped and everything it wrote was sent.
 *
 * <p>Following polls the file: containerd appends with no notification of its own, and a short
 * poll costs less than an inotify watch per follower. Rotated files are not followed (containerd
 * does not rotate; the pod runner does not yet either).
 */
final class ContainerLogs {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int BLOCK = 64 * 1024;

  /** Where the log goes; {@link #write} may block while the client is slow. */
  interface Sink {
    void write(byte[] bytes) throws InterruptedException;

    boolean gone();
  }

  private ContainerLogs() {}

  /** @param running whether the container may still write; asked only while following */
  static void stream(Path file, LogOptions options, BooleanSupplier running, Sink sink) throws IOException, InterruptedException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = options.tailLines().isPresent() ? tailStart(ch, options.tailLines().get()) : 0;
      long limit = options.limitBytes().orElse(Long.MAX_VALUE);
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(BLOCK);
      while (!sink.gone()) {
        buf.clear();
        int n = ch.read(buf, position);
        if (n > 0) {
          position += n;
          pending.write(buf.array(), 0, n);
          byte[] bytes = pending.toByteArray();
          int consumed = 0;
          for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') continue;
            Optional<CriLogLine> line = CriLogLine.parse(bytes, consumed, i);
            consumed = i + 1;
            if (line.isEmpty() || options.since().map(s -> line.get().time().toInstant().isBefore(s)).orElse(false)) continue;
            byte[] shown = line.get().shown(options.timestamps());
            if (shown.length >= limit) {
              sink.write(java.util.Arrays.copyOf(shown, (int) limit));
              return;
            }
            limit -= shown.length;
            sink.write(shown);
          }
          pending.reset();
          pending.write(bytes, consumed, bytes.length - consumed);
          continue;
        }
        if (!options.follow()) return;
        // Check whether the container stopped before looking once more, so nothing written just before it stopped is lost.
        boolean stillRunning = running.getAsBoolean();
        if (ch.size() > position) continue;
        if (!stillRunning) return;
        Thread.sleep(POLL);
      }
    }
  }

  /** The offset of the first of the last {@code lines} lines. */
  static long tailStart(FileChannel ch, long lines) throws IOException {
    long size = ch.size();
    if (lines == 0) return size;
    long seen = 0;
    long end = size;
    ByteBuffer buf = ByteBuffer.allocate(BLOCK);
    while (end > 0) {
      long start = Math.max(0, end - BLOCK);
      buf.clear().limit((int) (end - start));
      ch.read(buf, start);
      for (int i = (int) (end - start) - 1; i >= 0; i--) {
        long at = start + i;
        // the newline ending the last line does not start a line
        if (buf.get(i) == '\n' && at != size - 1 && ++seen == lines) return at + 1;
      }
      end = start;
    }
    return 0;
  }
}
