package dev.pier.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ready address behind a headless Service, with the DNS label it answers under: the endpoint's
 * {@code hostname} (StatefulSet pods) or else its address with dashes, as CoreDNS names them.
 *
 * @param ports the EndpointSlice's ports, "name/PROTOCOL" → port
 */
record Endpoint(String address, String label, boolean hasHostname, Map<String, Integer> ports) {

    /** The ready IPv4 and IPv6 endpoints of a Service's slices, each address once. */
    static List<Endpoint> ready(List<ObjectNode> slices) {
        Map<String, Endpoint> byAddress = new LinkedHashMap<>();
        for (ObjectNode slice : slices) {
            String type = slice.path("addressType").asText();
            if (!type.equals("IPv4") && !type.equals("IPv6")) continue; // FQDN slices name no address
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (JsonNode p : slice.path("ports")) {
                if (p.has("port")) ports.put(p.path("name").asText("") + "/" + p.path("protocol").asText("TCP"), p.path("port").asInt());
            }
            for (JsonNode e : slice.path("endpoints")) {
                // Kubernetes: a missing ready condition means ready
                if (e.path("conditions").path("ready").isBoolean() && !e.path("conditions").path("ready").asBoolean()) continue;
                String hostname = e.path("hostname").asText("");
                for (JsonNode a : e.path("addresses")) {
                    String address = a.asText();
                    String label = hostname.isEmpty() ? address.replace('.', '-').replace(':', '-') : hostname;
                    byAddress.putIfAbsent(address, new Endpoint(address, label, !hostname.isEmpty(), ports));
                }
            }
        }
        return new ArrayList<>(byAddress.values());
    }
}
