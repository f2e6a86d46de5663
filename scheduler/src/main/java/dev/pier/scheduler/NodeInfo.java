package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One node as the scheduler sees it: its object, what it can hold (allocatable), and what the pods
 * assigned to it (bound, or assumed while their binding is written) request. Guarded by its cell's state.
 */
final class NodeInfo {
    final String name;
    JsonNode node;
    Map<String, Long> allocatable = Map.of();
    final Map<String, Long> requested = new HashMap<>();
    /** cpu and memory with scoring defaults for pods that request nothing. */
    long scoringCpu;
    long scoringMemory;
    int pods;
    /** "protocol/hostIP/port" of host ports in use. */
    final Set<String> hostPorts = new HashSet<>();
    /** Pods here by their controller's uid: what default spreading counts. */
    final Map<String, Integer> byController = new HashMap<>();

    NodeInfo(String name) {
        this.name = name;
    }

    void setNode(JsonNode node) {
        this.node = node;
        this.allocatable = Requests.of(node.path("status").path("allocatable"));
    }

    long allocatable(String resource) {
        return allocatable.getOrDefault(resource, 0L);
    }

    long requested(String resource) {
        return requested.getOrDefault(resource, 0L);
    }

    void add(PodUsage usage, int sign) {
        usage.requests().forEach((k, v) -> requested.merge(k, sign * v, Long::sum));
        scoringCpu += sign * usage.scoringCpu();
        scoringMemory += sign * usage.scoringMemory();
        pods += sign;
        if (sign > 0) hostPorts.addAll(usage.hostPorts());
        else hostPorts.removeAll(usage.hostPorts());
        if (usage.controller() != null) {
            byController.merge(usage.controller(), sign, Integer::sum);
            byController.remove(usage.controller(), 0);
        }
    }

    int podsOf(String controller) {
        return controller == null ? 0 : byController.getOrDefault(controller, 0);
    }

    /** What one pod takes on its node. */
    record PodUsage(String node, Map<String, Long> requests, long scoringCpu, long scoringMemory, Set<String> hostPorts,
                    String controller) {
        static PodUsage of(String node, JsonNode pod) {
            long[] scoring = Requests.forScoring(pod);
            return new PodUsage(node, Requests.ofPod(pod), scoring[0], scoring[1], hostPortsOf(pod), controllerUid(pod));
        }

        /** The uid of the pod's controller (owner with {@code controller: true}), or null. */
        static String controllerUid(JsonNode pod) {
            for (JsonNode ref : pod.path("metadata").path("ownerReferences")) {
                if (ref.path("controller").asBoolean(false)) return ref.path("uid").asText();
            }
            return null;
        }

        static Set<String> hostPortsOf(JsonNode pod) {
            Set<String> ports = new HashSet<>();
            for (JsonNode c : pod.path("spec").path("containers")) {
                for (JsonNode p : c.path("ports")) {
                    int hostPort = p.path("hostPort").asInt(0);
                    if (hostPort > 0) {
                        ports.add(p.path("protocol").asText("TCP") + "/" + p.path("hostIP").asText("0.0.0.0") + "/" + hostPort);
                    }
                }
            }
            return ports;
        }
    }
}
