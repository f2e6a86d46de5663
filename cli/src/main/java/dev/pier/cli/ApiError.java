package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One entry of the cluster API's error list: what was refused, the NKS field at fault (or null) and what to send. */
record ApiError(int status, String code, String detail, String field, String fix) {

    static ApiError of(JsonNode entry) {
        return new ApiError(entry.path("status").asInt(), text(entry, "code"), text(entry, "detail"),
                text(entry, "field"), text(entry, "fix"));
    }

    /** The lines a user reads: the detail, then the field and the fix when the server named them. */
    String describe() {
        StringBuilder text = new StringBuilder(detail != null ? detail : code != null ? code : "HTTP " + status);
        if (field != null) text.append("\n  field: ").append(field);
        if (fix != null) text.append("\n  fix: ").append(fix);
        return text.toString();
    }

    private static String text(JsonNode entry, String name) {
        JsonNode value = entry.path(name);
        return value.isTextual() ? value.asText() : null;
    }
}
