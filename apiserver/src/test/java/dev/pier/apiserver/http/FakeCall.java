package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.UserInfo;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An {@link ApiCall} in memory: the request is given, the response is captured. */
final class FakeCall implements ApiCall {
    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private final Map<String, String> headers;
    private final UserInfo user;
    int status;
    String contentType;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final List<byte[]> chunks = new ArrayList<>();
    boolean streamEnded;

    FakeCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers, UserInfo user) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.user = user;
    }

    static FakeCall of(String method, String path) {
        return new FakeCall(method, path, Map.of(), Map.of(), null);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    @Override
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public byte[] body() {
        return new byte[0];
    }

    @Override
    public UserInfo user() {
        return user;
    }

    @Override
    public void respond(int status, String contentType, byte[] bytes) {
        this.status = status;
        this.contentType = contentType;
        body.writeBytes(bytes);
    }

    @Override
    public void header(String name, String value) {
    }

    @Override
    public void startStream(String contentType) {
        this.status = 200;
        this.contentType = contentType;
    }

    @Override
    public void write(byte[] chunk) {
        chunks.add(chunk);
    }

    @Override
    public void endStream() {
        streamEnded = true;
    }

    @Override
    public boolean clientGone() {
        return false;
    }

    @Override
    public void proxyToNode(NodeRequest request) {
        throw new UnsupportedOperationException("no node relay in unit tests");
    }
}
