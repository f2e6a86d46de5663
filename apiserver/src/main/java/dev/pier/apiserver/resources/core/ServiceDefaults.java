package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Tree;

import java.util.List;

/**
 * Service defaults (SetDefaults_Service and what the service REST layer fills in), and on update the
 * carry-over of allocated values a client may omit (a replaced Service keeps its cluster IP and node
 * ports) and the clean-up of values a new type no longer uses.
 */
final class ServiceDefaults {
    private ServiceDefaults() {
    }

    static void apply(ObjectNode svc) {
        ObjectNode spec = Tree.obj(svc, "spec");
        Tree.defaultText(spec, "type", "ClusterIP");
        Tree.defaultText(spec, "sessionAffinity", "None");
        if (Tree.text(spec, "sessionAffinity").equals("ClientIP")) {
            ObjectNode clientIp = Tree.obj(Tree.obj(spec, "sessionAffinityConfig"), "clientIP");
            Tree.defaultNumber(clientIp, "timeoutSeconds", 10800);
        }
        for (ObjectNode p : Tree.objects(spec, "ports")) {
            Tree.defaultText(p, "protocol", "TCP");
            JsonNode target = p.get("targetPort");
            boolean unset = target == null || target.isNull() || (target.isNumber() && target.asLong() == 0)
                    || (target.isTextual() && target.asText().isEmpty());
            if (unset && p.has("port")) p.set("targetPort", p.get("port"));
        }
        String type = Tree.text(spec, "type");
        // Externally reachable services (node ports, load balancers, external IPs) route across the cluster by default.
        if (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP") && Tree.size(spec, "externalIPs") > 0) {
            Tree.defaultText(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) Tree.defaultBool(spec, "allocateLoadBalancerNodePorts", true);
        if (!type.equals("ExternalName")) {
            Tree.defaultText(spec, "internalTrafficPolicy", "Cluster");
            // A single-stack IPv4 cluster: every service that gets addresses is IPv4 only.
            if (!spec.path("ipFamilies").isArray() || spec.path("ipFamilies").isEmpty()) spec.putArray("ipFamilies").add("IPv4");
            // Headless services without a selector keep their historical default: every family the cluster has.
            boolean selectorless = Tree.text(spec, "clusterIP").equals("None") && Tree.size(spec, "selector") == 0;
            Tree.defaultText(spec, "ipFamilyPolicy", selectorless ? "RequireDualStack" : "SingleStack");
            syncClusterIps(spec);
        }
    }

    /** clusterIP and clusterIPs[0] are one value written twice; fill whichever the client left out. */
    static void syncClusterIps(ObjectNode spec) {
        String ip = Tree.text(spec, "clusterIP");
        List<JsonNode> ips = Tree.items(spec, "clusterIPs");
        if (!ip.isEmpty() && ips.isEmpty()) spec.putArray("clusterIPs").add(ip);
        else if (ip.isEmpty() && !ips.isEmpty() && !ips.get(0).asText().isEmpty()) spec.put("clusterIP", ips.get(0).asText());
    }

    /** Whether a service of this spec has a cluster IP allocated (ExternalName and headless ones do not). */
    static boolean needsClusterIp(JsonNode spec) {
        return !Tree.text(spec, "type").equals("ExternalName") && !Tree.text(spec, "clusterIP").equals("None");
    }

    /** Whether a service of this spec has node ports. */
    static boolean needsNodePorts(JsonNode spec) {
        String type = Tree.text(spec, "type");
        return type.equals("NodePort") || type.equals("LoadBalancer") && !Tree.text(spec, "allocateLoadBalancerNodePorts").equals("false");
    }

    /**
     * On update, before defaults: keeps the allocated cluster IP and node ports a client left out, and drops
     * those (and other type-dependent fields) the new type does not use when the client left them as they were.
     */
    static void carryOver(ObjectNode svc, ObjectNode old) {
        ObjectNode spec = Tree.obj(svc, "spec");
        JsonNode oldSpec = old.path("spec");
        String oldType = Tree.text(oldSpec, "type");
        String type = Tree.text(spec, "type").isEmpty() ? "ClusterIP" : Tree.text(spec, "type");
        boolean oldHadIp = !Tree.text(oldSpec, "clusterIP").isEmpty() && !Tree.text(oldSpec, "clusterIP").equals("None");
        if (!type.equals("ExternalName") && oldHadIp && Tree.text(spec, "clusterIP").isEmpty() && Tree.items(spec, "clusterIPs").isEmpty()) {
            spec.set("clusterIP", oldSpec.get("clusterIP"));
            if (oldSpec.has("clusterIPs")) spec.set("clusterIPs", oldSpec.get("clusterIPs"));
        }
        if (type.equals("ExternalName") && !oldType.equals("ExternalName")) {
            // Left as they were, the old type's addresses go with it.
            for (String f : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy")) {
                if (Tree.same(spec.get(f), oldSpec.get(f))) spec.remove(f);
            }
        }
        boolean nodePortsNow = type.equals("NodePort") || type.equals("LoadBalancer");
        List<JsonNode> oldPorts = Tree.items(oldSpec, "ports");
        if (nodePortsNow) {
            for (ObjectNode p : Tree.objects(spec, "ports")) {
                if (Tree.number(p, "nodePort", 0) != 0) continue;
                for (JsonNode o : oldPorts) {
                    if (Tree.number(o, "nodePort", 0) != 0 && Tree.number(o, "port", -1) == Tree.number(p, "port", -2)
                            && protocol(o).equals(protocol(p))) {
                        p.set("nodePort", o.get("nodePort"));
                    }
                }
            }
        } else if (oldType.equals("NodePort") || oldType.equals("LoadBalancer")) {
            for (ObjectNode p : Tree.objects(spec, "ports")) {
                for (JsonNode o : oldPorts) {
                    if (Tree.number(p, "nodePort", 0) != 0 && Tree.same(p.get("nodePort"), o.get("nodePort"))) p.remove("nodePort");
                }
            }
            if (Tree.same(spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) spec.remove("externalTrafficPolicy");
        }
        if (!type.equals("LoadBalancer") && Tree.same(spec.get("allocateLoadBalancerNodePorts"), oldSpec.get("allocateLoadBalancerNodePorts"))) {
            spec.remove("allocateLoadBalancerNodePorts");
        }
    }

    private static String protocol(JsonNode port) {
        String p = Tree.text(port, "protocol");
        return p.isEmpty() ? "TCP" : p;
    }
}
