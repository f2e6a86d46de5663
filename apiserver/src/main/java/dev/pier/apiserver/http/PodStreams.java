package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The pod subresources a node serves: {@code log}, {@code exec}, {@code attach} and {@code portforward}. Checks
 * what kube-apiserver checks (the pod exists, the container is one of it, the pod is on a node, the node has an
 * address), then has the call relayed to the node agent's kubelet endpoint ({@link ApiCall#proxyToNode}).
 */
final class PodStreams {
    static final List<String> SUBRESOURCES = List.of("log", "exec", "attach", "portforward");
    private static final int DEFAULT_KUBELET_PORT = 10250;
    private static final List<String> LOG_OPTIONS = List.of("follow", "tailLines", "sinceSeconds", "sinceTime", "timestamps",
            "previous", "limitBytes");
    private static final List<String> STREAM_OPTIONS = List.of("stdin", "stdout", "stderr", "tty");

    private PodStreams() {
    }

    static void handle(ApiCall call, Cell cell, ResourceStore pods, String ns, String name, String subresource) {
        boolean upgrade = call.header("Upgrade") != null;
        switch (subresource) {
            case "log" -> {
                if (!call.method().equals("GET")) throw ApiException.methodNotAllowed(call.method(), "pods/log");
            }
            default -> {
                if (!call.method().equals("GET") && !call.method().equals("POST")) {
                    throw ApiException.methodNotAllowed(call.method(), "pods/" + subresource);
                }
                if (!upgrade) throw ApiException.badRequest("Upgrade request required");
            }
        }
        ObjectNode pod = pods.get(ns, name);
        String container = subresource.equals("portforward") ? null : container(pod, name, call.query("container"));
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        String phase = pod.path("status").path("phase").asText("");
        if (subresource.equals("portforward") && !phase.equals("Running")) {
            throw ApiException.badRequest("unable to forward port because pod is not running. Current status=" + phase);
        }
        if ((subresource.equals("exec") || subresource.equals("attach")) && (phase.equals("Succeeded") || phase.equals("Failed"))) {
            throw ApiException.badRequest("cannot " + subresource + " a container in a completed pod; current phase is " + phase);
        }
        if (upgrade && !"websocket".equalsIgnoreCase(call.header("Upgrade"))) {
            // Vert.x upgrades only GET requests, and kubectl's SPDY fallback sends POST: WebSocket is the one way in (015).
            throw ApiException.badRequest("pods/" + subresource + " is served over WebSocket (v5.channel.k8s.io, "
                    + "SPDY/3.1+portforward.k8s.io), not " + call.header("Upgrade"));
        }
        ObjectNode node = node(cell, nodeName);
        String path = switch (subresource) {
            case "log" -> "/containerLogs/" + ns + "/" + name + "/" + container + query(call, LOG_OPTIONS);
            case "exec" -> "/exec/" + ns + "/" + name + "/" + container + commandQuery(call);
            case "attach" -> "/attach/" + ns + "/" + name + "/" + container + query(call, STREAM_OPTIONS);
            default -> "/portForward/" + ns + "/" + name + query(call, List.of("ports"));
        };
        call.proxyToNode(new NodeRequest(cell, address(node, nodeName), port(node), path));
    }

    /** The container the request names, or the pod's only one; Kubernetes' messages otherwise. */
    private static String container(ObjectNode pod, String podName, String requested) {
        List<String> containers = names(pod.path("spec").path("containers"));
        List<String> init = names(pod.path("spec").path("initContainers"));
        List<String> ephemeral = names(pod.path("spec").path("ephemeralContainers"));
        if (requested == null || requested.isEmpty()) {
            if (containers.size() == 1) return containers.getFirst();
            if (containers.isEmpty()) throw ApiException.badRequest("the pod " + podName + " has no containers");
            String message = "a container name must be specified for pod " + podName + ", choose one of: [" + String.join(" ", containers) + "]";
            if (!init.isEmpty()) message += " or one of the init containers: [" + String.join(" ", init) + "]";
            if (!ephemeral.isEmpty()) message += " or one of the ephemeral containers: [" + String.join(" ", ephemeral) + "]";
            throw ApiException.badRequest(message);
        }
        if (!containers.contains(requested) && !init.contains(requested) && !ephemeral.contains(requested)) {
            throw ApiException.badRequest("container " + requested + " is not valid for pod " + podName);
        }
        return requested;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(c -> out.add(c.path("name").asText()));
        return out;
    }

    private static ObjectNode node(Cell cell, String nodeName) {
        ResourceType nodes = cell.registry().find("", "v1", "nodes").orElseThrow();
        return cell.store(nodes).get("", nodeName);
    }

    /** As kube-apiserver's default {@code --kubelet-preferred-address-types}, less the DNS kinds Pier never reports. */
    private static String address(ObjectNode node, String nodeName) {
        for (String type : List.of("InternalIP", "ExternalIP", "Hostname")) {
            for (JsonNode a : node.path("status").path("addresses")) {
                if (a.path("type").asText().equals(type) && !a.path("address").asText("").isEmpty()) return a.path("address").asText();
            }
        }
        throw ApiException.badRequest("node " + nodeName + " has no address");
    }

    private static int port(ObjectNode node) {
        JsonNode endpoint = node.path("status").path("daemonEndpoints").path("kubeletEndpoint");
        int port = endpoint.path("Port").asInt(endpoint.path("port").asInt(0)); // Kubernetes' JSON name is "Port"
        return port > 0 ? port : DEFAULT_KUBELET_PORT;
    }

    private static String commandQuery(ApiCall call) {
        String commands = call.queryAll("command").stream().map(c -> "command=" + encode(c)).collect(Collectors.joining("&"));
        String rest = query(call, STREAM_OPTIONS);
        if (commands.isEmpty()) return rest;
        return rest.isEmpty() ? "?" + commands : rest + "&" + commands;
    }

    private static String query(ApiCall call, List<String> names) {
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            for (String v : call.queryAll(n)) parts.add(n + "=" + encode(v));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
