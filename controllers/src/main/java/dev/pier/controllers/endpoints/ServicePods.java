package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What both endpoint controllers read from a Service and its pods: which Services get endpoints from a
 * controller, which pods a Service selects, which pods count as endpoints, and the port a Service port
 * reaches on one pod (a named target port can differ from pod to pod).
 */
final class ServicePods {
    private ServicePods() {
    }

    /**
     * Whether a controller computes this Service's endpoints: ExternalName Services have none, and a
     * Service without a selector has the endpoints its user writes (Kubernetes checks for a nil selector;
     * an empty map in JSON is the same here, since defaulting never writes one).
     */
    static boolean managed(JsonNode service) {
        JsonNode spec = service.path("spec");
        return !Tree.text(spec, "type").equals("ExternalName") && Tree.size(spec, "selector") > 0;
    }

    static boolean selects(JsonNode service, JsonNode pod) {
        Map<String, String> want = Tree.stringMap(service.path("spec").path("selector"));
        if (want.isEmpty()) return false;
        Map<String, String> have = Tree.stringMap(pod.path("metadata").path("labels"));
        return want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }

    static boolean headless(JsonNode service) {
        return Tree.text(service.path("spec"), "clusterIP").equals("None");
    }

    static boolean publishNotReady(JsonNode service) {
        return Tree.bool(service.path("spec"), "publishNotReadyAddresses");
    }

    /**
     * Kubernetes' ShouldPodBeInEndpoints: not finished, has an IP, and (unless terminating pods are wanted)
     * not being deleted.
     */
    static boolean isEndpoint(JsonNode pod, boolean includeTerminating) {
        String phase = Pods.phase(pod);
        if (phase.equals("Succeeded") || phase.equals("Failed")) return false;
        if (ips(pod).isEmpty()) return false;
        return includeTerminating || !Owners.isBeingDeleted(pod);
    }

    /** The pod's IPs: status.podIPs, or status.podIP from writers that set only that. */
    static List<String> ips(JsonNode pod) {
        List<String> out = new ArrayList<>();
        for (JsonNode ip : pod.path("status").path("podIPs")) {
            String s = ip.path("ip").asText("");
            if (!s.isEmpty()) out.add(s);
        }
        String single = pod.path("status").path("podIP").asText("");
        if (out.isEmpty() && !single.isEmpty()) out.add(single);
        return out;
    }

    /** The pod's IP of one address family ("IPv4" or "IPv6"), or null. */
    static String ip(JsonNode pod, String family) {
        for (String ip : ips(pod)) {
            if (ip.contains(":") == family.equals("IPv6")) return ip;
        }
        return null;
    }

    /**
     * The port a Service port reaches on this pod (Kubernetes' FindPort): a number as is, a name looked up
     * among the pod's container ports of the same protocol; empty when the pod has no such named port.
     */
    static OptionalInt targetPort(JsonNode servicePort, JsonNode pod) {
        JsonNode target = servicePort.get("targetPort");
        if (target == null || target.isNull()) return OptionalInt.of(servicePort.path("port").asInt());
        if (target.isIntegralNumber()) return OptionalInt.of(target.asInt());
        String name = target.asText();
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) return OptionalInt.of(Integer.parseInt(name));
        String protocol = servicePort.path("protocol").asText("TCP");
        for (JsonNode c : pod.path("spec").path("containers")) {
            for (JsonNode p : c.path("ports")) {
                if (p.path("name").asText().equals(name) && p.path("protocol").asText("TCP").equals(protocol)) {
                    return OptionalInt.of(p.path("containerPort").asInt());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Kubernetes' ShouldSetHostname: the pod names a hostname and this Service as its subdomain. */
    static String hostname(JsonNode pod, JsonNode service) {
        String hostname = pod.path("spec").path("hostname").asText("");
        if (hostname.isEmpty()) return null;
        boolean sub = pod.path("spec").path("subdomain").asText("").equals(service.path("metadata").path("name").asText())
                && pod.path("metadata").path("namespace").asText().equals(service.path("metadata").path("namespace").asText());
        return sub ? hostname : null;
    }
}
