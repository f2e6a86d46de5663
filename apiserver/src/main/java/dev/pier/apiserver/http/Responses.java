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

    static void error(ApiCall call, ApiException e) {
        call.respond(e.code(), JSON, Json.bytes(e.toStatus()));
    }
}
