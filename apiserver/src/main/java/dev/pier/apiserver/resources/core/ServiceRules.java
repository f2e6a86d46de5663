package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Service validation (Kubernetes' ValidateService and ValidateServiceUpdate, the parts users meet). */
final class ServiceRules {
    static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

    private ServiceRules() {
    }

    static List<FieldError> validate(ObjectNode svc) {
        List<FieldError> errs = new java.util.ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = svc.path("spec");
        String type = Tree.text(s, "type");
        Check.oneOf(errs, s, "type", spec.child("type"), true, TYPES);
        boolean headless = Tree.text(s, "clusterIP").equals("None");
        List<JsonNode> ports = Tree.items(s, "ports");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) errs.add(FieldError.required(spec.child("ports"), ""));
        Set<String> names = new HashSet<>();
        Set<String> portProtocols = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            FieldPath pp = spec.child("ports").index(i);
            String name = Tree.text(p, "name");
            if (ports.size() > 1 && name.isEmpty()) {
                errs.add(FieldError.required(pp.child("name"), ""));
            } else if (!name.isEmpty()) {
                Check.invalid(errs, pp.child("name"), name, Formats.dns1123Label(name));
                if (!names.add(name)) errs.add(FieldError.duplicate(pp.child("name"), name));
            }
            long port = Tree.number(p, "port", 0);
            if (port < 1 || port > 65535) errs.add(FieldError.invalid(pp.child("port"), port, Check.PORT_RANGE));
            Check.oneOf(errs, p, "protocol", pp.child("protocol"), true, ContainerRules.PROTOCOLS);
            Check.portNumberOrName(errs, p.get("targetPort"), pp.child("targetPort"));
            if (type.equals("ClusterIP") && Tree.number(p, "nodePort", 0) != 0) {
                errs.add(FieldError.forbidden(pp.child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
            }
            if (!portProtocols.add(port + "/" + Tree.text(p, "protocol"))) {
                ObjectNode key = Json.object().put("port", port).put("protocol", Tree.text(p, "protocol"));
                errs.add(FieldError.duplicate(pp, key));
            }
        }
        if (type.equals("ExternalName")) externalName(errs, s, spec);
        else addresses(errs, s, spec, type);
        Check.oneOf(errs, s, "sessionAffinity", spec.child("sessionAffinity"), true, List.of("ClientIP", "None"));
        if (Tree.text(s, "sessionAffinity").equals("ClientIP")) {
            long timeout = Tree.number(s.path("sessionAffinityConfig").path("clientIP"), "timeoutSeconds", 10800);
            if (timeout <= 0 || timeout > 86400) {
                errs.add(FieldError.invalid(spec.child("sessionAffinityConfig").child("clientIP").child("timeoutSeconds"), timeout,
                        "must be greater than 0 and less than 86400"));
            }
        }
        boolean external = type.equals("NodePort") || type.equals("LoadBalancer") || Tree.size(s, "externalIPs") > 0;
        if (external) {
            Check.oneOf(errs, s, "externalTrafficPolicy", spec.child("externalTrafficPolicy"), true, List.of("Cluster", "Local"));
        } else if (!Tree.text(s, "externalTrafficPolicy").isEmpty()) {
            errs.add(FieldError.invalid(spec.child("externalTrafficPolicy"), Tree.text(s, "externalTrafficPolicy"),
                    "may only be set for externally-accessible services"));
        }
        Check.oneOf(errs, s, "internalTrafficPolicy", spec.child("internalTrafficPolicy"), false, List.of("Cluster", "Local"));
        List<JsonNode> externalIps = Tree.items(s, "externalIPs");
        for (int i = 0; i < externalIps.size(); i++) {
            String ip = externalIps.get(i).asText();
            if (!Ips.isValid(ip)) errs.add(FieldError.invalid(spec.child("externalIPs").index(i), ip, Ips.INVALID));
        }
        Check.labels(errs, s.get("selector"), spec.child("selector"));
        return errs;
    }

    private static void externalName(List<FieldError> errs, JsonNode s, FieldPath spec) {
        if (!Tree.items(s, "clusterIPs").isEmpty() || !Tree.text(s, "clusterIP").isEmpty()) {
            errs.add(FieldError.forbidden(spec.child("clusterIPs"), "may not be set for ExternalName services"));
        }
        if (Tree.size(s, "ipFamilies") > 0) errs.add(FieldError.forbidden(spec.child("ipFamilies"), "may not be set for ExternalName services"));
        if (Tree.isSet(s, "ipFamilyPolicy")) errs.add(FieldError.forbidden(spec.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
        String cname = Tree.text(s, "externalName");
        if (cname.endsWith(".")) cname = cname.substring(0, cname.length() - 1);
        if (cname.isEmpty()) errs.add(FieldError.required(spec.child("externalName"), ""));
        else Check.invalid(errs, spec.child("externalName"), cname, Formats.dns1123Subdomain(cname));
    }

    private static void addresses(List<FieldError> errs, JsonNode s, FieldPath spec, String type) {
        List<JsonNode> ips = Tree.items(s, "clusterIPs");
        String ip = Tree.text(s, "clusterIP");
        if (!ips.isEmpty() && !ip.isEmpty() && !ips.get(0).asText().equals(ip)) {
            errs.add(FieldError.invalid(spec.child("clusterIPs"), s.get("clusterIPs"), "first value must match `clusterIP`"));
        }
        for (int i = 0; i < ips.size(); i++) {
            String v = ips.get(i).asText();
            FieldPath p = spec.child("clusterIPs").index(i);
            if (v.equals("None") && i == 0) {
                if (type.equals("NodePort") || type.equals("LoadBalancer")) {
                    errs.add(FieldError.invalid(p, v, "may not be set to 'None' for " + type + " services"));
                }
            } else if (!v.isEmpty() && !Ips.isValid(v)) {
                errs.add(FieldError.invalid(p, v, Ips.INVALID));
            } else if (Ips.isIPv6(v)) {
                errs.add(FieldError.invalid(p, v, "not configured on this cluster"));
            }
        }
        if (ips.size() > 1) errs.add(FieldError.invalid(spec.child("clusterIPs"), s.get("clusterIPs"), "may only hold one IP address on this single-stack cluster"));
        Check.oneOf(errs, s, "ipFamilyPolicy", spec.child("ipFamilyPolicy"), false, List.of("PreferDualStack", "RequireDualStack", "SingleStack"));
        boolean selectorlessHeadless = Tree.text(s, "clusterIP").equals("None") && Tree.size(s, "selector") == 0;
        if (Tree.text(s, "ipFamilyPolicy").equals("RequireDualStack") && !selectorlessHeadless) {
            errs.add(FieldError.invalid(spec.child("ipFamilyPolicy"), "RequireDualStack", "this cluster is not configured for dual-stack services"));
        }
        List<JsonNode> families = Tree.items(s, "ipFamilies");
        for (int i = 0; i < families.size(); i++) {
            String f = families.get(i).asText();
            if (f.equals("IPv6")) errs.add(FieldError.invalid(spec.child("ipFamilies").index(i), f, "not configured on this cluster"));
            else if (!f.equals("IPv4")) errs.add(FieldError.notSupported(spec.child("ipFamilies").index(i), f, List.of("IPv4", "IPv6")));
        }
    }

    /** Update checks: a cluster IP, once set, stays (a switch to ExternalName releases it). */
    static List<FieldError> validateUpdate(ObjectNode svc, ObjectNode old) {
        List<FieldError> errs = new java.util.ArrayList<>();
        JsonNode s = svc.path("spec");
        JsonNode o = old.path("spec");
        boolean bothHaveIps = !Tree.text(s, "type").equals("ExternalName") && !Tree.text(o, "type").equals("ExternalName");
        String oldIp = Tree.text(o, "clusterIP");
        if (bothHaveIps && !oldIp.isEmpty() && !oldIp.equals(Tree.text(s, "clusterIP"))) {
            errs.add(FieldError.invalid(FieldPath.root("spec").child("clusterIPs").index(0), Tree.text(s, "clusterIP"), "may not change once set"));
        }
        return errs;
    }
}
