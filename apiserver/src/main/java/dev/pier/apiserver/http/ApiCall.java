package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.UserInfo;

import java.util.List;

/**
 * One API request and its response, independent of the HTTP library: the handlers see only this,
 * so the same code can serve an in-process transport later. Response methods are called from the
 * request's own (virtual) thread.
 */
public interface ApiCall {
    String method();

    /** The path below the cell prefix, e.g. {@code /api/v1/pods}. */
    String path();

    /** The first value of a query parameter, or null. */
    String query(String name);

    /** Every value of a query parameter. */
    List<String> queryAll(String name);

    String header(String name);

    byte[] body();

    /** Where the client reached the server: {@code host[:port]} of the Host header (HTTP/1) or :authority (HTTP/2). */
    default String authority() {
        return header("Host");
    }

    UserInfo user();

    /** Sends a whole response. */
    void respond(int status, String contentType, byte[] body);

    /** Adds a response header before the response starts (e.g. {@code Warning}). */
    void header(String name, String value);

    /** Starts a streamed (chunked) 200 response. */
    void startStream(String contentType);

    /** Writes and flushes one piece of a streamed response. */
    void write(byte[] chunk);

    /** Ends a streamed response. */
    void endStream();

    /** True once the client has gone away. */
    boolean clientGone();

    /**
     * Relays this request to a node agent and its answer back (pods/log, exec, attach, portforward): a GET's body is
     * streamed through; a WebSocket upgrade is accepted and relayed message by message until either side closes.
     * Returns when the relay has ended. Transports that cannot relay throw {@link UnsupportedOperationException}.
     */
    void proxyToNode(NodeRequest request);
}
