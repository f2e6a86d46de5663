package dev.pier.apiserver.resources.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.util.LinkedHashSet;
import java.util.Set;

/** networking.k8s.io/v1 Ingresses: stored and listed (no ingress controller yet), with kubectl's columns. */
public final class IngressStrategy {
    private IngressStrategy() {
    }

    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Class", o -> o.path("spec").path("ingressClassName").asText("<none>"))
            .column("Hosts", IngressStrategy::hosts)
            .column("Address", IngressStrategy::addresses)
            .column("Ports", o -> o.path("spec").path("tls").isEmpty() ? "80" : "80, 443")
            .age()
            .build();

    public static final ResourceStrategy INSTANCE = KindStrategy.builder().withStatus().table(TABLE).build();

    private static String hosts(ObjectNode o) {
        Set<String> hosts = new LinkedHashSet<>();
        for (JsonNode rule : o.path("spec").path("rules")) hosts.add(rule.path("host").asText("*").isEmpty() ? "*" : rule.path("host").asText("*"));
        return hosts.isEmpty() ? "*" : String.join(",", hosts);
    }

    private static String addresses(ObjectNode o) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode lb : o.path("status").path("loadBalancer").path("ingress")) {
            out.add(lb.has("ip") ? lb.path("ip").asText() : lb.path("hostname").asText());
        }
        return String.join(",", out);
    }
}
