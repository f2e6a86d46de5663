package dev.pier.agent.server;

import java.util.List;

/**
 * The WebSocket subprotocols of Kubernetes' streaming endpoints, and which the agent serves how.
 * {@code v5.channel.k8s.io} (kubectl 1.30+ exec, attach, cp) is terminated here and spoken to
 * containerd as SPDY; the port-forward tunnel ({@code SPDY/3.1+portforward.k8s.io}) carries SPDY
 * bytes that go to containerd unchanged; the older channel protocols are containerd's own and are
 * relayed to it as WebSockets.
 */
final class ChannelProtocols {
  static final String V5 = "v5.channel.k8s.io";
  static final String PORT_FORWARD_TUNNEL = "SPDY/3.1+portforward.k8s.io";
  /** Spoken by containerd 1.6's streaming server itself. */
  static final List<String> RUNTIME_WEBSOCKET = List.of("v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io",
      "base64.channel.k8s.io", "portforward.k8s.io");
  /** In order of preference: the server picks the first of these the client offers. */
  static final List<String> SERVED = java.util.stream.Stream.concat(
      java.util.stream.Stream.of(V5, PORT_FORWARD_TUNNEL), RUNTIME_WEBSOCKET.stream()).toList();

  /** The channels of the channel protocols: the first byte of every binary message. */
  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;
  /** v5 only: {@code [255, channel]} closes that channel (stdin EOF). */
  static final int CLOSE = 255;

  private ChannelProtocols() {}
}
