package dev.pier.agent.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Connections to the runtime's streaming server, at the one-time URL a CRI Exec, Attach or
 * PortForward call returned: an HTTP upgrade to SPDY/3.1 (the raw socket once switched), or a
 * WebSocket with a given subprotocol.
 */
final class RuntimeStreams implements AutoCloseable {
  /** kubectl writes at most 32 KiB (plus the channel byte) per message; leave room above it. */
  static final int MAX_MESSAGE = 1024 * 1024;

  private static final int MAX_HEAD = 16 * 1024;

  private final HttpClient http;
  private final NetClient net;

  RuntimeStreams(Vertx vertx) {
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setMaxWebSocketFrameSize(MAX_MESSAGE)
        .setMaxWebSocketMessageSize(MAX_MESSAGE)
        .setConnectTimeout(10_000));
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
  }

  /** A connection switched to SPDY, and the bytes that came with the 101 answer (already SPDY). */
  record Upgraded(NetSocket socket, Buffer early) {}

  /**
   * Upgrades to SPDY/3.1 asking for {@code protocol} ({@code X-Stream-Protocol-Version}). Written and read
   * by hand on a plain socket: Vert.x's client upgrade hands the socket over a moment after the 101, and
   * containerd's first frames can fall in that gap. The socket comes back paused, with no handler.
   */
  Future<Upgraded> spdy(String url, String protocol) {
    URI uri = URI.create(url);
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return net.connect(uri.getPort(), uri.getHost()).compose(socket -> {
      Promise<Upgraded> upgraded = Promise.promise();
      Buffer head = Buffer.buffer();
      socket.handler(bytes -> {
        head.appendBuffer(bytes);
        int end = head.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        if (end < 0) {
          if (head.length() > MAX_HEAD) fail(socket, upgraded, "an answer head over " + MAX_HEAD + " bytes");
          return;
        }
        socket.pause();
        socket.handler(null);
        String statusLine = head.getString(0, head.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n"));
        if (statusLine.startsWith("HTTP/1.1 101")) {
          upgraded.tryComplete(new Upgraded(socket, head.getBuffer(end + 4, head.length())));
        } else {
          fail(socket, upgraded, head.toString(StandardCharsets.UTF_8).trim());
        }
      });
      socket.closeHandler(v -> upgraded.tryFail("the runtime closed the connection before switching protocols"));
      socket.write("POST " + path + " HTTP/1.1\r\n"
          + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
          + "Connection: Upgrade\r\n"
          + "Upgrade: SPDY/3.1\r\n"
          + "X-Stream-Protocol-Version: " + protocol + "\r\n"
          + "Content-Length: 0\r\n\r\n");
      return upgraded.future();
    });
  }

  private static void fail(NetSocket socket, Promise<Upgraded> upgraded, String why) {
    socket.close();
    upgraded.tryFail("the runtime refused the stream: " + why);
  }

  Future<WebSocket> webSocket(String url, String subprotocol) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(url.replaceFirst("^http", "ws"))
        .addSubProtocol(subprotocol);
    return http.webSocket(options);
  }

  @Override
  public void close() {
    http.close();
    net.close();
  }
}
