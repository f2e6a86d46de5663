package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Endpoints that belong in slices of one shape: one address type and one resolved port list (pods whose
 * named target ports resolve differently land in different groups, as in Kubernetes). A group without
 * ports and endpoints is the placeholder slice a Service without endpoints gets.
 *
 * @param ports null for a placeholder (Kubernetes writes it without ports)
 */
record SliceGroup(String addressType, ArrayNode ports, List<ObjectNode> endpoints) {

    /** What slices of one group share, as one comparable string. */
    String key() {
        return key(addressType, ports);
    }

    static String key(String addressType, JsonNode ports) {
        StringBuilder b = new StringBuilder(addressType);
        if (ports == null || ports.isNull() || ports.isMissingNode()) return b.append("|-").toString();
        for (JsonNode p : ports) {
            b.append('|').append(p.path("name").asText()).append('/').append(p.path("protocol").asText("TCP"))
                    .append('/').append(p.path("port").asText()).append('/').append(p.path("appProtocol").asText(""));
        }
        return b.toString();
    }

    /** The group an existing slice holds endpoints of. */
    static String keyOf(JsonNode slice) {
        JsonNode ports = slice.get("ports");
        return key(slice.path("addressType").asText(), ports == null || ports.isNull() ? null : ports);
    }

    /** An endpoint's identity across syncs: its pod, or its first address for endpoints without one. */
    static String endpointKey(JsonNode endpoint) {
        String uid = endpoint.path("targetRef").path("uid").asText("");
        return uid.isEmpty() ? endpoint.path("addresses").path(0).asText() : uid;
    }
}
