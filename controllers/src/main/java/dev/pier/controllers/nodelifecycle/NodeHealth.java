package dev.pier.controllers.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** When a node last showed it was alive: its Lease's renewTime, or its Ready condition's heartbeat. */
final class NodeHealth {
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String NOT_READY = "node.kubernetes.io/not-ready";

    private NodeHealth() {
    }

    static Instant lastHeartbeat(JsonNode node, JsonNode lease) {
        Instant last = parse(node.path("metadata").path("creationTimestamp").asText(""));
        JsonNode ready = readyCondition(node);
        if (ready != null) last = max(last, parse(ready.path("lastHeartbeatTime").asText("")));
        if (lease != null) last = max(last, parse(lease.path("spec").path("renewTime").asText("")));
        return last;
    }

    static JsonNode readyCondition(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) if (c.path("type").asText().equals("Ready")) return c;
        return null;
    }

    /** True, False or Unknown. */
    static String readyStatus(JsonNode node) {
        JsonNode c = readyCondition(node);
        return c == null ? "Unknown" : c.path("status").asText("Unknown");
    }

    private static Instant max(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isAfter(b) ? a : b;
    }

    private static Instant parse(String text) {
        if (text.isEmpty()) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
