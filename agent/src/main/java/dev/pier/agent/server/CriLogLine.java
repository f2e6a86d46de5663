package dev.pier.agent.server;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One line of a CRI log file: {@code <RFC3339Nano time> <stdout|stderr> <P|F>[:more tags] <text>}.
 * A {@code P} (partial) line is a piece of a longer line the runtime split; it gets no newline of
 * its own when shown, so the pieces join up again, as the kubelet shows them.
 */
record CriLogLine(OffsetDateTime time, String stream, boolean partial, byte[] text) {
  /** The kubelet's output form of a timestamp: always nine fractional digits. */
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

  /** Parses one line without its newline; empty when it is not in the CRI format. */
  static Optional<CriLogLine> parse(byte[] line, int from, int to) {
    int a = indexOf(line, from, to, (byte) ' ');
    int b = a < 0 ? -1 : indexOf(line, a + 1, to, (byte) ' ');
    if (b < 0) return Optional.empty();
    int c = indexOf(line, b + 1, to, (byte) ' ');
    int tagsEnd = c < 0 ? to : c;
    try {
      OffsetDateTime time = OffsetDateTime.parse(new String(line, from, a - from, StandardCharsets.US_ASCII));
      String stream = new String(line, a + 1, b - a - 1, StandardCharsets.US_ASCII);
      boolean partial = line[b + 1] == 'P' && (b + 2 == tagsEnd || line[b + 2] == ':');
      int textFrom = c < 0 ? to : c + 1;
      byte[] text = java.util.Arrays.copyOfRange(line, textFrom, to);
      return Optional.of(new CriLogLine(time, stream, partial, text));
    } catch (DateTimeParseException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /** The bytes {@code kubectl logs} shows for this line. */
  byte[] shown(boolean timestamps) {
    byte[] prefix = timestamps ? (SHOWN.format(time) + " ").getBytes(StandardCharsets.US_ASCII) : new byte[0];
    byte[] out = new byte[prefix.length + text.length + (partial ? 0 : 1)];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(text, 0, out, prefix.length, text.length);
    if (!partial) out[out.length - 1] = '\n';
    return out;
  }

  private static int indexOf(byte[] b, int from, int to, byte x) {
    for (int i = from; i < to; i++) if (b[i] == x) return i;
    return -1;
  }
}
