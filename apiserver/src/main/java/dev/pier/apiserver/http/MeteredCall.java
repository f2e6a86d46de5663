package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.metrics.ApiMetrics;
import dev.pier.apiserver.metrics.RequestLabels;

import java.util.List;

/**
 * An {@link ApiCall} that records what kube-apiserver's instrumented handlers record: the status and duration of
 * every request, the long-running gauge and registered watchers while a watch streams, and each event it sends.
 * Used from the request's own thread only, like the call it wraps.
 */
final class MeteredCall implements ApiCall {
    private final ApiCall call;
    private final ApiMetrics metrics;
    private final RequestLabels labels;
    /** The watched kind, for the watch series; null when the request is no watch of a served resource. */
    private final String kind;
    private final long started = System.nanoTime();
    private int code;
    private boolean watching;

    MeteredCall(ApiCall call, ApiMetrics metrics, RequestLabels labels, String kind) {
        this.call = call;
        this.metrics = metrics;
        this.labels = labels;
        this.kind = labels.verb().equals("WATCH") ? kind : null;
    }

    /** Records the request as finished; call once, after the handler returned or failed. */
    void finish() {
        if (watching) endWatch();
        // a request that never answered (the client left first) has no code to count
        if (code != 0) metrics.requestDone(labels, code, System.nanoTime() - started);
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
        if (code == 0) code = status;
        call.respond(status, contentType, body);
    }

    @Override
    public void startStream(String contentType) {
        if (code == 0) code = 200;
        call.startStream(contentType);
        if (kind != null && !watching) {
            watching = true;
            metrics.longRunningStarted(labels);
            metrics.watcherAdded(labels.cell(), labels.group(), labels.version(), kind);
        }
    }

    @Override
    public void write(byte[] chunk) {
        call.write(chunk);
        // an event written after the client left is dropped by the call, so it is not counted as sent
        if (watching && !call.clientGone()) metrics.watchEvent(labels.cell(), labels.group(), labels.version(), kind);
    }

    @Override
    public void proxyToNode(NodeRequest request) {
        call.proxyToNode(request);
        // a relay that failed before answering threw an ApiException, counted when it is answered
        if (code == 0) code = "websocket".equalsIgnoreCase(call.header("Upgrade")) ? 101 : 200;
    }

    @Override
    public void endStream() {
        call.endStream();
        if (watching) endWatch();
    }

    private void endWatch() {
        watching = false;
        metrics.longRunningEnded(labels);
        metrics.watcherRemoved(labels.cell(), labels.group(), labels.version(), kind);
    }

    @Override
    public String method() {
        return call.method();
    }

    @Override
    public String path() {
        return call.path();
    }

    @Override
    public String query(String name) {
        return call.query(name);
    }

    @Override
    public List<String> queryAll(String name) {
        return call.queryAll(name);
    }

    @Override
    public String header(String name) {
        return call.header(name);
    }

    @Override
    public String authority() {
        return call.authority();
    }

    @Override
    public byte[] body() {
        return call.body();
    }

    @Override
    public UserInfo user() {
        return call.user();
    }

    @Override
    public void header(String name, String value) {
        call.header(name, value);
    }

    @Override
    public boolean clientGone() {
        return call.clientGone();
    }
}
