package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster API ({@code /v1}, docs/api.md) of one Pier server over HTTPS with the admin's certificate. Answers are
 * the REST JSON as sent; an error list becomes {@link ApiRefused}, a server that cannot be reached a
 * {@link LocalProblem}.
 */
final class PierApi implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;

    private PierApi(HttpClient http, String base) {
        this.http = http;
        this.base = base;
    }

    static PierApi connect(ManagementKubeconfig kubeconfig) {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(kubeconfig.sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String base = kubeconfig.server().endsWith("/") ? kubeconfig.server().substring(0, kubeconfig.server().length() - 1)
                : kubeconfig.server();
        return new PierApi(http, base);
    }

    JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    /** The body as text, for answers that are not JSON (a kubeconfig). */
    String getText(String path) {
        return send(request(path).GET()).body();
    }

    JsonNode post(String path, JsonNode body) {
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    void delete(String path) {
        send(request(path).DELETE());
    }

    /** Whether {@code path} exists: false on 404, the answer's error on any other refusal. */
    boolean exists(String path) {
        try {
            get(path);
            return true;
        } catch (ApiRefused e) {
            if (e.status() == 404) return false;
            throw e;
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new LocalProblem("cannot reach the Pier server at " + base + " (" + describe(e)
                    + "): is pier up or pier server running there?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalProblem("interrupted", e);
        }
        if (response.statusCode() >= 400) throw refused(response);
        return response;
    }

    private static ApiRefused refused(HttpResponse<String> response) {
        List<ApiError> errors = new ArrayList<>();
        try {
            JSON.readTree(response.body()).path("errors").forEach(entry -> errors.add(ApiError.of(entry)));
        } catch (IOException e) {
            // not the API's error list (a proxy, or a path outside /v1): the status alone, and the body as the detail
        }
        if (errors.isEmpty()) {
            errors.add(new ApiError(response.statusCode(), null, "HTTP " + response.statusCode() + ": " + response.body(), null, null));
        }
        return new ApiRefused(response.statusCode(), errors);
    }

    private static JsonNode json(HttpResponse<String> response) {
        if (response.body().isEmpty()) return JSON.nullNode();
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new LocalProblem("the server's answer is not JSON: " + e.getMessage(), e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        http.close();
    }
}
