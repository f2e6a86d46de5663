package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.metrics.Metrics;
import dev.pier.apiserver.metrics.RequestLabels;
import dev.pier.apiserver.nks.NksApi;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.pki.IssuedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * The HTTPS front end: TLS (client certificates requested, checked later per cell), routing of each
 * request to its cell by path, body reading with a size limit, and hand-off to a virtual thread that
 * runs the {@link CellHandler}. Event-loop threads never block. Around each request it records the
 * request metrics ({@link MeteredCall}) and logs server errors with their stack trace; {@code /metrics} is
 * served here, where the metrics are.
 */
public final class HttpFrontEnd {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontEnd.class);
    /** Request threads are numbered, so that the log lines of one request can be told from another's. */
    private static final ThreadFactory REQUEST_THREADS = Thread.ofVirtual().name("api-", 1).factory();
    /** Kubernetes refuses bodies above 3 MiB (etcd's value limit is about that). */
    static final int MAX_BODY = 3 * 1024 * 1024;

    private HttpFrontEnd() {
    }

    public static HttpServer listen(Vertx vertx, Cells cells, Metrics metrics, String host, int port, IssuedCertificate serving,
                                    List<X509Certificate> chain) {
        String certs = serving.certificatePem() + chain.stream().map(HttpFrontEnd::pem).collect(Collectors.joining());
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .addCertValue(Buffer.buffer(certs))
                        .addKeyValue(Buffer.buffer(serving.privateKeyPem())))
                // Any client certificate is accepted by TLS: only the path says which cell's CA must have issued it.
                .setClientAuth(ClientAuth.REQUEST)
                .setTrustOptions(TrustOptions.wrap(AcceptAnyClient.INSTANCE))
                .setMaxFormAttributeSize(8192)
                .setWebSocketSubProtocols(NodeProxy.WEBSOCKET_PROTOCOLS)
                .setMaxWebSocketFrameSize(NodeProxy.MAX_MESSAGE)
                .setMaxWebSocketMessageSize(NodeProxy.MAX_MESSAGE)
                .setIdleTimeout(0);
        HttpServer server = vertx.createHttpServer(options);
        NodeProxy nodes = new NodeProxy(vertx, cells.management().certificateAuthority());
        NksApi nks = new NksApi(cells);
        server.requestHandler(req -> accept(req, cells, metrics, nodes, nks));
        return server.listen().toCompletionStage().toCompletableFuture().join();
    }

    private static void accept(HttpServerRequest req, Cells cells, Metrics metrics, NodeProxy nodes, NksApi nks) {
        if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            // A watch over WebSocket (fabric8's default) or a pod stream: no body; leave the request unread so it can be upgraded.
            // Paused, or Vert.x reads its (empty) end before the request thread upgrades it, and the upgrade fails.
            req.pause();
            REQUEST_THREADS.newThread(() -> serve(req, cells, metrics, nodes, nks, new byte[0])).start();
            return;
        }
        String contentLength = req.getHeader("Content-Length");
        if (contentLength != null && parseLength(contentLength) > MAX_BODY) {
            reject(req, ApiException.requestTooLarge("the request body is larger than " + MAX_BODY + " bytes"));
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) return;
            if (body.length() + chunk.length() > MAX_BODY) {
                tooLarge[0] = true;
                reject(req, ApiException.requestTooLarge("the request body is larger than " + MAX_BODY + " bytes"));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (tooLarge[0]) return;
            REQUEST_THREADS.newThread(() -> serve(req, cells, metrics, nodes, nks, body.getBytes())).start();
        });
        req.exceptionHandler(e -> { });
    }

    private static void serve(HttpServerRequest req, Cells cells, Metrics metrics, NodeProxy nodes, NksApi nks, byte[] body) {
        String rawPath = req.path();
        MeteredCall call = null;
        try {
            Routed routed = route(rawPath, cells);
            List<X509Certificate> certificates = peerCertificates(req);
            String authorization = req.getHeader("Authorization");
            UserInfo user = routed.cell.authenticator().authenticate(certificates, authorization).orElse(null);
            call = metered(new VertxCall(req, routed.path, body, user, nodes), routed.cell, metrics);
            if (routed.cell == cells.management() && NksApi.serves(routed.path)) {
                nks.serve(call); // answers its own errors, 401 included, in its own shape
                return;
            }
            if (user == null && !CellHandler.anonymousAllowed(routed.path)) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Unauthorized: {} {} on cell {}: {}", req.method(), rawPath, routed.cell.name(),
                            Credentials.describe(certificates, authorization));
                }
                throw ApiException.unauthorized();
            }
            if (routed.path.equals(MetricsEndpoint.PATH)) MetricsEndpoint.serve(call, routed.cell, metrics);
            else CellHandler.handle(call, routed.cell);
        } catch (ApiException e) {
            if (e.code() >= 500) LOG.error("{} {} failed: {} {}", req.method(), rawPath, e.code(), e.getMessage(), e.getCause());
            if (call == null) call = unrouted(req, rawPath, body, metrics, nodes);
            Responses.error(call, e);
        } catch (RuntimeException | Error e) {
            // A bug or an unexpected failure: log it here with its stack trace, answer a Status without one.
            LOG.error("{} {} failed", req.method(), rawPath, e);
            if (call == null) call = unrouted(req, rawPath, body, metrics, nodes);
            Responses.error(call, ApiException.internal(e.getClass().getSimpleName()));
        } finally {
            if (call != null) call.finish();
        }
    }

    private static MeteredCall metered(VertxCall call, Cell cell, Metrics metrics) {
        RequestLabels labels;
        try {
            labels = MetricLabels.of(cell, call);
        } catch (RuntimeException e) {
            // metrics must never fail a request: count it without a path rather than answer 500
            LOG.warn("No metric labels for {} {}", call.method(), call.path(), e);
            labels = MetricLabels.unrouted(call.method());
        }
        String kind = labels.resource().isEmpty() ? null
                : cell.registry().find(labels.group(), labels.version(), labels.resource()).map(ResourceType::kind).orElse(null);
        return new MeteredCall(call, metrics.api(), labels, kind);
    }

    /** A request that reached no cell (an unknown cluster): counted without a cell. */
    private static MeteredCall unrouted(HttpServerRequest req, String rawPath, byte[] body, Metrics metrics, NodeProxy nodes) {
        return new MeteredCall(new VertxCall(req, rawPath, body, null, nodes), metrics.api(), MetricLabels.unrouted(req.method().name()), null);
    }

    private record Routed(Cell cell, String path) {
    }

    private static Routed route(String rawPath, Cells cells) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        if (path.startsWith("/clusters/")) {
            int end = path.indexOf('/', "/clusters/".length());
            String name = end < 0 ? path.substring("/clusters/".length()) : path.substring("/clusters/".length(), end);
            String rest = end < 0 ? "/" : path.substring(end);
            Optional<Cell> cell = name.equals(Cells.MANAGEMENT) ? Optional.empty() : cells.tenant(name);
            if (cell.isEmpty()) throw ApiException.pathNotFound(path);
            return new Routed(cell.get(), rest);
        }
        return new Routed(cells.management(), path);
    }

    private static List<X509Certificate> peerCertificates(HttpServerRequest req) {
        if (!req.isSSL()) return List.of();
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : req.connection().peerCertificates()) {
                if (c instanceof X509Certificate x) out.add(x);
            }
            return out;
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // no client certificate: maybe a token
        }
    }

    private static void reject(HttpServerRequest req, ApiException e) {
        req.response().setStatusCode(e.code()).putHeader("Content-Type", Responses.JSON)
                .putHeader("Connection", "close").end(Buffer.buffer(Json.bytes(e.toStatus())));
    }

    private static long parseLength(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Trusts any client chain at the TLS layer; {@code Authenticator} checks it against the cell's CA. */
    private enum AcceptAnyClient implements X509TrustManager {
        INSTANCE;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager only checks clients of the API server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
