package dev.pier.agent.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.NetSocket;

/**
 * Byte and message relays between two connections, with back-pressure (a side stops reading
 * while the other cannot take more) and closing carried across.
 */
final class Relays {
  private Relays() {}

  /** Relays whole messages, binary and text, both ways: channel protocols need message boundaries kept. */
  static void webSockets(WebSocketBase a, WebSocketBase b) {
    oneWay(a, b);
    oneWay(b, a);
    a.resume();
    b.resume();
  }

  private static void oneWay(WebSocketBase from, WebSocketBase to) {
    from.binaryMessageHandler(m -> {
      to.writeBinaryMessage(m);
      pauseWhileFull(from, to);
    });
    from.textMessageHandler(m -> {
      to.writeTextMessage(m);
      pauseWhileFull(from, to);
    });
    from.closeHandler(v -> {
      if (to.isClosed()) return;
      Short code = from.closeStatusCode();
      to.close(code == null ? 1000 : code, from.closeReason());
    });
    from.exceptionHandler(e -> to.close());
  }

  private static void pauseWhileFull(WebSocketBase from, WebSocketBase to) {
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  /**
   * Relays a byte tunnel (kubectl's port-forward: SPDY bytes in binary WebSocket messages) to a
   * socket that carries the same bytes bare.
   */
  static void tunnel(WebSocketBase ws, RuntimeStreams.Upgraded upgraded) {
    NetSocket socket = upgraded.socket();
    if (upgraded.early().length() > 0) ws.writeBinaryMessage(upgraded.early());
    ws.binaryMessageHandler(m -> {
      socket.write(m);
      if (socket.writeQueueFull()) {
        ws.pause();
        socket.drainHandler(v -> ws.resume());
      }
    });
    socket.handler((Buffer bytes) -> {
      ws.writeBinaryMessage(bytes);
      if (ws.writeQueueFull()) {
        socket.pause();
        ws.drainHandler(v -> socket.resume());
      }
    });
    ws.closeHandler(v -> socket.close());
    ws.exceptionHandler(e -> socket.close());
    socket.closeHandler(v -> {
      if (!ws.isClosed()) ws.close((short) 1000);
    });
    socket.exceptionHandler(e -> socket.close());
    socket.resume();
    ws.resume();
  }
}
