package dev.pier.agent.server;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.Sandbox;
import dev.pier.agent.cri.Streams;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /exec/{ns}/{pod}/{container}}, {@code /attach/...} and {@code /portForward/{ns}/{pod}}
 * over WebSocket. The WebSocket is accepted first and every later failure goes out as a Status on
 * the error channel, as kube-apiserver's stream translator does, so that kubectl reports it rather
 * than falling back to SPDY. Then the runtime is asked for a streaming URL and the session is
 * bridged ({@code v5.channel.k8s.io} → SPDY), tunnelled (port-forward) or relayed (containerd's own
 * WebSocket protocols).
 */
final class StreamEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);

  enum Kind { EXEC, ATTACH, PORT_FORWARD }

  private final CriClient cri;
  private final PodContainers pods;
  private final RuntimeStreams runtime;

  StreamEndpoint(CriClient cri, RuntimeStreams runtime) {
    this.cri = cri;
    this.pods = new PodContainers(cri);
    this.runtime = runtime;
  }

  /** Runs on a thread that may block. {@code container} is null for port-forward. */
  void serve(HttpServerRequest request, Kind kind, String namespace, String pod, String container) {
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      Responses.text(request.response(), 400, "this endpoint is served over WebSocket (" + ChannelProtocols.V5 + ")");
      return;
    }
    Streams streams = null;
    if (kind != Kind.PORT_FORWARD) {
      boolean tty = flag(request, "tty");
      try {
        // a terminal carries stderr in stdout
        streams = new Streams(flag(request, "stdin"), flag(request, "stdout"), flag(request, "stderr") && !tty, tty);
      } catch (IllegalArgumentException e) {
        Responses.text(request.response(), 400, "you must specify at least 1 of stdin, stdout, stderr");
        return;
      }
      if (kind == Kind.EXEC && request.params().getAll("command").isEmpty()) {
        Responses.text(request.response(), 400, "you must specify at least one command for the container");
        return;
      }
    }
    // paused as it is accepted, on the event loop: nothing the client sends is read before the runtime's side is there
    ServerWebSocket ws = request.toWebSocket().map(w -> {
      w.pause();
      return w;
    }).toCompletionStage().toCompletableFuture().join();
    String protocol = ws.subProtocol();
    if (protocol == null) {
      ws.close((short) 1002, "no supported subprotocol; this server speaks " + ChannelProtocols.SERVED);
      return;
    }
    try {
      String url = streamingUrl(request, kind, namespace, pod, container, streams);
      if (kind == Kind.PORT_FORWARD && protocol.equals(ChannelProtocols.PORT_FORWARD_TUNNEL)) {
        runtime.spdy(url, "portforward.k8s.io").onSuccess(socket -> Relays.tunnel(ws, socket))
            .onFailure(e -> fail(ws, e));
      } else if (kind != Kind.PORT_FORWARD && protocol.equals(ChannelProtocols.V5)) {
        Streams s = streams;
        runtime.spdy(url, SpdyRemoteCommand.PROTOCOL).onSuccess(socket -> SpdyRemoteCommand.bridge(ws, socket, s))
            .onFailure(e -> fail(ws, e));
      } else if (ChannelProtocols.RUNTIME_WEBSOCKET.contains(protocol)) {
        // port-forward over containerd's WebSocket names its ports in the query
        String query = kind == Kind.PORT_FORWARD && request.query() != null ? "?" + request.query() : "";
        runtime.webSocket(url + query, protocol).onSuccess(upstream -> Relays.webSockets(ws, upstream))
            .onFailure(e -> fail(ws, e));
      } else {
        Responses.failStream(ws, 400, "BadRequest", protocol + " is not served for " + kind.name().toLowerCase());
      }
    } catch (NotFound e) {
      Responses.failStream(ws, 404, "NotFound", e.getMessage());
    } catch (CriException e) {
      fail(ws, e);
    }
  }

  private String streamingUrl(HttpServerRequest request, Kind kind, String namespace, String pod, String container,
                              Streams streams) {
    if (kind == Kind.PORT_FORWARD) {
      Sandbox sandbox = pods.sandbox(namespace, pod)
          .orElseThrow(() -> new NotFound("pod \"" + pod + "\" has no running sandbox on this node"));
      return cri.portForward(sandbox.id(), List.of());
    }
    Optional<Container> current = pods.current(namespace, pod, container);
    String id = current.orElseThrow(() -> new NotFound("container \"" + container + "\" in pod \"" + pod + "\" not found")).id();
    return kind == Kind.EXEC ? cri.exec(id, request.params().getAll("command"), streams) : cri.attach(id, streams);
  }

  private static void fail(ServerWebSocket ws, Throwable e) {
    LOG.debug("Stream failed", e);
    Responses.failStream(ws, 500, "InternalError", e.getMessage());
  }

  private static boolean flag(HttpServerRequest request, String name) {
    String v = request.getParam(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message, null, false, false);
    }
  }
}
