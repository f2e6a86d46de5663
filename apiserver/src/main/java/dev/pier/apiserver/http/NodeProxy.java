package dev.pier.apiserver.http;

import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.IssuedCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relays pod streams to node agents over mutually authenticated TLS, one HTTPS client per cell: it presents a
 * client certificate the control plane's (management) CA issued to {@value #KUBELET_CLIENT} (group
 * {@code system:masters}), made when the cell first needs it and kept in memory only; agents trust that CA, the one
 * they checked the API server against when they joined, and no tenant can have it sign. The agent's serving
 * certificate must come from the cell's CA (its node joined that cell) and name the node address. Logs are streamed through; WebSockets are accepted here with the subprotocol
 * the client offered and relayed message by message to the agent, which speaks them to the runtime (015).
 */
final class NodeProxy implements AutoCloseable {
    static final String KUBELET_CLIENT = "kube-apiserver-kubelet-client";
    /** What kubectl 1.32 offers (v5, the port-forward tunnel) and the older protocols containerd itself speaks. */
    static final List<String> WEBSOCKET_PROTOCOLS = List.of("v5.channel.k8s.io", "SPDY/3.1+portforward.k8s.io",
            "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io", "portforward.k8s.io");
    static final int MAX_MESSAGE = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(NodeProxy.class);
    private static final Duration CLIENT_CERT_VALIDITY = Duration.ofDays(365);

    private final Vertx vertx;
    private final CertificateAuthority controlPlaneCa;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    NodeProxy(Vertx vertx, CertificateAuthority controlPlaneCa) {
        this.vertx = vertx;
        this.controlPlaneCa = controlPlaneCa;
    }

    /** Relays {@code request}; called on the request's own (virtual) thread, which it may block. */
    void relay(HttpServerRequest request, NodeRequest target) {
        HttpClient client = clients.computeIfAbsent(target.cell().name(), n -> newClient(target.cell()));
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            relayWebSocket(request, client, target);
        } else {
            relayGet(request, client, target);
        }
    }

    private HttpClient newClient(Cell cell) {
        IssuedCertificate identity = controlPlaneCa.issueClient(KUBELET_CLIENT, List.of("system:masters"), CLIENT_CERT_VALIDITY);
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .addCertValue(Buffer.buffer(identity.certificatePem()))
                        .addKeyValue(Buffer.buffer(identity.privateKeyPem())))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(cell.certificateAuthority().certificatePem())))
                .setConnectTimeout(10_000)
                .setMaxWebSocketFrameSize(MAX_MESSAGE)
                .setMaxWebSocketMessageSize(MAX_MESSAGE);
        // followed logs hold their connection for as long as they follow: no small pool limit
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1024));
    }

    private static void relayGet(HttpServerRequest request, HttpClient client, NodeRequest target) {
        HttpServerResponse response = request.response();
        RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host()).setPort(target.port())
                .setURI(target.pathAndQuery());
        // Everything below runs in the callbacks of the client's event loop, so no part of the body goes by unread.
        Future<Void> relayed = client.request(get).compose(r -> r.send()).compose(upstream -> {
            if (upstream.statusCode() != 200) {
                return upstream.body().compose(body ->
                        Future.failedFuture(ApiException.fromNode(upstream.statusCode(), body.toString().trim())));
            }
            response.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", orDefault(upstream.getHeader("Content-Type"), "text/plain"));
            response.writeHead(); // a follower sees the stream open before the first line
            response.closeHandler(v -> upstream.request().reset()); // the client left: stop the agent's stream
            return upstream.pipeTo(response);
        });
        try {
            relayed.toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ApiException api) throw api;
            if (!response.headWritten()) throw ApiException.internal("error dialing backend: " + e.getCause().getMessage());
            LOG.debug("Log stream from {}:{} ended early: {}", target.host(), target.port(), e.getCause().toString());
            if (!response.ended()) response.reset();
        }
    }

    private static void relayWebSocket(HttpServerRequest request, HttpClient client, NodeRequest target) {
        // paused as it is accepted, on the event loop: nothing the client sends is read before the agent's side is there
        ServerWebSocket ws = request.toWebSocket().map(NodeProxy::paused).toCompletionStage().toCompletableFuture().join();
        String protocol = ws.subProtocol();
        if (protocol == null) {
            ws.close((short) 1002, "no supported subprotocol, offer one of " + WEBSOCKET_PROTOCOLS);
            return;
        }
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(target.host()).setPort(target.port()).setSsl(true)
                .setURI(target.pathAndQuery())
                .addSubProtocol(protocol);
        client.webSocket(options).onComplete(ar -> {
            if (ar.succeeded()) {
                relayMessages(ws, ar.result());
                relayMessages(ar.result(), ws);
                ws.resume();
            } else {
                fail(ws, protocol, ApiException.internal("error dialing backend: " + ar.cause().getMessage()));
            }
        });
    }

    /** Whole messages, binary and text: the channel protocols need message boundaries kept. Back-pressure and closing carried over. */
    private static void relayMessages(WebSocketBase from, WebSocketBase to) {
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
            to.close(code == null ? (short) 1000 : code, from.closeReason());
        });
        from.exceptionHandler(e -> to.close());
    }

    private static void pauseWhileFull(WebSocketBase from, WebSocketBase to) {
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
        }
    }

    /** On the channel protocols the error channel (3) carries a Status that kubectl prints; the tunnel has only a close reason. */
    private static void fail(ServerWebSocket ws, String protocol, ApiException e) {
        LOG.warn("Relay to node failed: {}", e.getMessage());
        if (protocol.contains("channel.k8s.io")) {
            byte[] status = Json.bytes(e.toStatus());
            ws.writeBinaryMessage(Buffer.buffer(status.length + 1).appendByte((byte) 3).appendBytes(status))
                    .onComplete(v -> ws.close((short) 1000));
        } else {
            ws.close((short) 1011, e.getMessage().length() > 120 ? e.getMessage().substring(0, 120) : e.getMessage());
        }
    }

    private static ServerWebSocket paused(ServerWebSocket ws) {
        ws.pause();
        return ws;
    }

    private static String orDefault(String v, String d) {
        return v == null ? d : v;
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
    }
}
