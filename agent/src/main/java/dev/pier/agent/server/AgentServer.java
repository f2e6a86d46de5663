package dev.pier.agent.server;

import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTPS server (the kubelet's port 10250) for the API server: container logs, exec,
 * attach and port-forward. TLS requests a client certificate and trusts only the cluster CA;
 * {@link Callers} then allows only the API server's kubelet client (401 without a certificate,
 * 403 for anyone else). Requests run on virtual threads, since they call CRI and read files.
 *
 * <pre>{@code
 * try (AgentServer server = AgentServer.start(null, cri,
 *     ServerTls.fromFiles(pki.resolve("kubelet.crt"), pki.resolve("kubelet.key"), pki.resolve("ca.crt")),
 *     new InetSocketAddress(nodeIp, AgentServer.DEFAULT_PORT))) {
 *   ...
 * }
 * }</pre>
 */
public final class AgentServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 10250;
  private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
  private static final ThreadFactory THREADS = Thread.ofVirtual().name("agent-http-", 1).factory();

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HttpServer server;
  private final RuntimeStreams runtime;

  private AgentServer(Vertx vertx, boolean ownsVertx, HttpServer server, RuntimeStreams runtime) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.server = server;
    this.runtime = runtime;
  }

  /**
   * Binds and serves; returns once the port is open.
   *
   * @param vertx the Vert.x to run on, or null for one of its own (closed with the server)
   * @param bind  the node IP and port ({@link #DEFAULT_PORT}); port 0 picks a free one
   */
  public static AgentServer start(Vertx vertx, CriClient cri, ServerTls tls, InetSocketAddress bind) {
    boolean owns = vertx == null;
    Vertx v = owns ? Vertx.vertx() : vertx;
    RuntimeStreams runtime = new RuntimeStreams(v);
    try {
      HttpServerOptions options = new HttpServerOptions()
          .setHost(bind.getHostString())
          .setPort(bind.getPort())
          .setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions()
              .addCertValue(Buffer.buffer(tls.certificatePem()))
              .addKeyValue(Buffer.buffer(tls.privateKeyPem())))
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.clientCaPem())))
          .setClientAuth(ClientAuth.REQUEST)
          .setWebSocketSubProtocols(ChannelProtocols.SERVED)
          .setMaxWebSocketFrameSize(RuntimeStreams.MAX_MESSAGE)
          .setMaxWebSocketMessageSize(RuntimeStreams.MAX_MESSAGE)
          .setIdleTimeout(0);
      LogsEndpoint logs = new LogsEndpoint(cri, Clock.systemUTC());
      StreamEndpoint streams = new StreamEndpoint(cri, runtime);
      HttpServer server = v.createHttpServer(options)
          .requestHandler(req -> accept(req, logs, streams));
      server.listen().toCompletionStage().toCompletableFuture().join();
      LOG.info("Agent server listening on {}:{}", bind.getHostString(), server.actualPort());
      return new AgentServer(v, owns, server, runtime);
    } catch (RuntimeException e) {
      runtime.close();
      if (owns) v.close();
      throw e;
    }
  }

  public int port() {
    return server.actualPort();
  }

  private static void accept(HttpServerRequest req, LogsEndpoint logs, StreamEndpoint streams) {
    switch (Callers.check(peer(req))) {
      case UNAUTHENTICATED -> {
        Responses.text(req.response(), 401, "Unauthorized");
        return;
      }
      case FORBIDDEN -> {
        Responses.text(req.response(), 403, "Forbidden: only the API server's kubelet client may call this node");
        return;
      }
      case ALLOWED -> { }
    }
    List<String> p = Arrays.stream(req.path().split("/")).filter(s -> !s.isEmpty()).toList();
    Runnable handler = switch (p.isEmpty() ? "" : p.getFirst()) {
      case "containerLogs" -> p.size() == 4 && get(req) ? () -> logs.serve(req, p.get(1), p.get(2), p.get(3)) : null;
      case "exec" -> p.size() == 4 ? () -> streams.serve(req, StreamEndpoint.Kind.EXEC, p.get(1), p.get(2), p.get(3)) : null;
      case "attach" -> p.size() == 4 ? () -> streams.serve(req, StreamEndpoint.Kind.ATTACH, p.get(1), p.get(2), p.get(3)) : null;
      case "portForward" -> p.size() == 3 ? () -> streams.serve(req, StreamEndpoint.Kind.PORT_FORWARD, p.get(1), p.get(2), null) : null;
      default -> null;
    };
    if (handler == null) {
      Responses.text(req.response(), 404, "404 page not found");
      return;
    }
    // paused until the request thread upgrades it: otherwise its end is consumed first and it can no longer be upgraded
    if (req.getHeader("Upgrade") != null) req.pause();
    THREADS.newThread(() -> {
      try {
        handler.run();
      } catch (CriException e) {
        LOG.warn("{} {} failed: {}", req.method(), req.path(), e.getMessage());
        Responses.text(req.response(), 500, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", req.method(), req.path(), e);
        Responses.text(req.response(), 500, "internal error");
      }
    }).start();
  }

  private static boolean get(HttpServerRequest req) {
    return req.method().name().equals("GET");
  }

  private static List<Certificate> peer(HttpServerRequest req) {
    try {
      return req.connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
    runtime.close();
    if (ownsVertx) vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
