package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;

/** Writes JSON and Status responses. */
final class Responses {
    static final String JSON = "application/json";

    private Responses() {
    }

    static void json(ApiCall call, int code, JsonNode body) {
        call.respond(code, JSON, Json.bytes(body));
    }

    static void json(ApiCall call, int code, String contentType, JsonNode body) {
        call.respond(code, contentType, Json.bytes(body));
    }

    /** A {@code metav1.Status} of success, as subresources that return no object answer. */
    static JsonNode success(int code) {
        var s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        s.put("code", code);
        return s;
    }

    static void error(ApiCall call, ApiException e) {
        call.respond(e.code(), JSON, Json.bytes(e.toStatus()));
    }
}
