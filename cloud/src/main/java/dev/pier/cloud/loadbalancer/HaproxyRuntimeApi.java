package dev.pier.cloud.loadbalancer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HAProxy's runtime API on its admin socket: one command per connection (HAProxy answers and
 * closes). What the provider waits on after a reload, and what tests read to see what HAProxy
 * really serves.
 */
public final class HaproxyRuntimeApi {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Path socket;

  public HaproxyRuntimeApi(Path socket) {
    this.socket = socket;
  }

  public Path socket() {
    return socket;
  }

  /** The answer to one command; throws {@link UncheckedIOException} when HAProxy does not answer. */
  public String execute(String command) {
    // a channel read cannot time out by itself: read on a virtual thread, close the channel if it takes too long
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      Future<String> answer = executor.submit(() -> readAll(channel));
      try {
        return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        channel.close();
        throw new UncheckedIOException(new IOException("HAProxy did not answer \"" + command + "\" on " + socket + " within " + TIMEOUT));
      } catch (ExecutionException e) {
        throw new UncheckedIOException(new IOException("reading HAProxy's answer to \"" + command + "\"", e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("HAProxy's admin socket " + socket + ": " + e.getMessage(), e);
    }
  }

  /** {@code show info} as name → value. */
  public Map<String, String> info() {
    Map<String, String> info = new LinkedHashMap<>();
    for (String line : execute("show info").split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) info.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    return info;
  }

  /**
   * {@code show stat}: one row per frontend, backend and server, as column → value ({@code pxname}
   * the proxy, {@code svname} FRONTEND, BACKEND or the server's name, {@code status}, {@code addr},
   * {@code stot} total sessions, ...).
   */
  public List<Map<String, String>> stat() {
    String[] lines = execute("show stat").split("\n");
    if (lines.length == 0 || !lines[0].startsWith("# ")) throw new UncheckedIOException(new IOException("unexpected show stat answer: " + lines[0]));
    String[] columns = lines[0].substring(2).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : Arrays.asList(lines).subList(1, lines.length)) {
      if (line.isBlank()) continue;
      String[] values = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < columns.length && i < values.length; i++) {
        if (!columns[i].isEmpty()) row.put(columns[i], values[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  private static String readAll(SocketChannel channel) throws IOException {
    var out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      out.write(buffer.array(), 0, buffer.limit());
      buffer.clear();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
