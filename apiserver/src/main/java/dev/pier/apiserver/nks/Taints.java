package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Taints as NKS writes them, {@code key=value:Effect} ({@code =value} optional, as kubectl taint takes them),
 * and as the objects hold them, Kubernetes' {@code {key, value, effect}}.
 */
final class Taints {
    static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private Taints() {
    }

    /** The taints of {@code field}; problems with any of them go to {@code request}. */
    static ArrayNode parse(List<String> written, String field, RequestBody request) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < written.size(); i++) {
            String t = written.get(i);
            int colon = t.lastIndexOf(':');
            String effect = colon < 0 ? "" : t.substring(colon + 1);
            String keyValue = colon < 0 ? t : t.substring(0, colon);
            int equals = keyValue.indexOf('=');
            String key = equals < 0 ? keyValue : keyValue.substring(0, equals);
            if (key.isEmpty() || !EFFECTS.contains(effect)) {
                request.problem(field + "[" + i + "]", field + "[" + i + "]: \"" + t + "\" is not key=value:Effect with Effect one of "
                        + "NoSchedule, PreferNoSchedule, NoExecute");
                continue;
            }
            ObjectNode taint = out.addObject();
            taint.put("key", key);
            if (equals >= 0) taint.put("value", keyValue.substring(equals + 1));
            taint.put("effect", effect);
        }
        return out;
    }

    /** The taints of an object as NKS strings. */
    static List<String> format(JsonNode taints) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : taints) {
            String value = t.path("value").asText("");
            out.add(t.path("key").asText() + (value.isEmpty() ? "" : "=" + value) + ":" + t.path("effect").asText());
        }
        return out;
    }
}
