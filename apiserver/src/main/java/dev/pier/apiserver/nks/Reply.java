package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.meta.Json;

import java.util.Map;

/** What an NKS endpoint answers: written by {@link NksApi}, which also logs its status. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json";

    static Reply json(int status, JsonNode body) {
        return new Reply(status, JSON, Json.bytes(body), Map.of());
    }

    static Reply noContent() {
        return new Reply(204, JSON, new byte[0], Map.of());
    }

    /** A YAML file to save, e.g. a kubeconfig. */
    static Reply yamlDownload(String yaml, String fileName) {
        return new Reply(200, "application/yaml", yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Content-Disposition", "attachment; filename=\"" + fileName + "\"", "Cache-Control", "no-store"));
    }
}
