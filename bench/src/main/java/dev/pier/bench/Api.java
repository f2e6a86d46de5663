package dev.pier.bench;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The Kubernetes API over HTTPS with the admin client certificate, through java.net.http. */
final class Api implements AutoCloseable {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;

    Api(SSLContext ssl, String base, HttpClient.Version version) {
        this.http = client(ssl, version);
        this.base = base;
    }

    static HttpClient client(SSLContext ssl, HttpClient.Version version) {
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .version(version)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    String base() {
        return base;
    }

    HttpResponse<byte[]> get(String path, Duration timeout) throws IOException, InterruptedException {
        return http.send(request(path, timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path, REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> put(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path, REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
    }

    /**
     * The first {@code "resourceVersion":"N"} in a JSON body (an object's own metadata comes before
     * anything nested in ConfigMaps and Pods), or null. A string search: cheaper than parsing on a
     * machine whose cores the server shares.
     */
    static String resourceVersion(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        String marker = "\"resourceVersion\":\"";
        int at = s.indexOf(marker);
        if (at < 0) return null;
        int from = at + marker.length();
        int end = s.indexOf('"', from);
        return end < 0 ? null : s.substring(from, end);
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
