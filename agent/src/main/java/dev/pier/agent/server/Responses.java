package dev.pier.agent.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/**
 * How the agent answers failures: plain text with a status code before a stream starts (the API
 * server turns it into a metav1.Status, as kube-apiserver does with the kubelet's answers), and a
 * Status on channel 3 once a WebSocket was accepted, which kubectl prints.
 */
final class Responses {
  private Responses() {}

  static void text(HttpServerResponse response, int code, String message) {
    if (response.ended() || response.headWritten()) return;
    response.setStatusCode(code).putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(message.endsWith("\n") ? message : message + "\n");
  }

  /** Writes a failure Status on the error channel and closes the WebSocket normally. */
  static void failStream(ServerWebSocket ws, int code, String reason, String message) {
    if (ws.isClosed()) return;
    String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
        + quote(message) + ",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
    byte[] json = status.getBytes(StandardCharsets.UTF_8);
    ws.writeBinaryMessage(Buffer.buffer(json.length + 1).appendByte((byte) ChannelProtocols.ERROR).appendBytes(json))
        .onComplete(v -> ws.close((short) 1000));
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
