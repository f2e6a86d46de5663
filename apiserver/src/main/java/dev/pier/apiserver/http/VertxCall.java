package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.UserInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

import java.util.List;

/** {@link ApiCall} over a Vert.x request. Vert.x lets these response calls come from any thread. */
final class VertxCall implements ApiCall {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final String path;
    private final byte[] body;
    private final UserInfo user;
    private final NodeProxy nodes;
    private volatile boolean gone;
    /** Set when a streamed response (a watch) goes over a WebSocket instead of a chunked body. */
    private ServerWebSocket webSocket;

    VertxCall(HttpServerRequest request, String path, byte[] body, UserInfo user, NodeProxy nodes) {
        this.request = request;
        this.nodes = nodes;
        this.response = request.response();
        this.path = path;
        this.body = body;
        this.user = user;
        response.closeHandler(v -> gone = true);
        request.connection().closeHandler(v -> gone = true);
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query(String name) {
        return request.getParam(name);
    }

    @Override
    public List<String> queryAll(String name) {
        return request.params().getAll(name);
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String authority() {
        var authority = request.authority();
        if (authority == null) return null;
        String host = authority.host().contains(":") ? "[" + authority.host() + "]" : authority.host();
        return authority.port() < 0 ? host : host + ":" + authority.port();
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public UserInfo user() {
        return user;
    }

    @Override
    public void respond(int status, String contentType, byte[] bytes) {
        if (gone || response.ended()) return;
        response.setStatusCode(status).putHeader("Content-Type", contentType).end(Buffer.buffer(bytes));
    }

    @Override
    public void header(String name, String value) {
        response.headers().add(name, value);
    }

    @Override
    public void startStream(String contentType) {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            // Kubernetes serves watches over WebSocket too: one text message per event.
            webSocket = request.toWebSocket().toCompletionStage().toCompletableFuture().join();
            webSocket.closeHandler(v -> gone = true);
            return;
        }
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", contentType)
                .putHeader("Cache-Control", "no-cache, private");
        // Send the headers now so the client sees the watch established before the first event.
        response.writeHead();
    }

    @Override
    public void write(byte[] chunk) {
        if (gone) return;
        if (webSocket != null) {
            int end = chunk.length > 0 && chunk[chunk.length - 1] == '\n' ? chunk.length - 1 : chunk.length;
            webSocket.writeTextMessage(new String(chunk, 0, end, java.nio.charset.StandardCharsets.UTF_8));
        } else {
            response.write(Buffer.buffer(chunk));
        }
    }

    @Override
    public void endStream() {
        if (webSocket != null) {
            if (!gone) webSocket.close();
        } else if (!gone && !response.ended()) {
            response.end();
        }
    }

    @Override
    public void proxyToNode(NodeRequest target) {
        nodes.relay(request, target);
    }

    @Override
    public boolean clientGone() {
        return gone;
    }
}
