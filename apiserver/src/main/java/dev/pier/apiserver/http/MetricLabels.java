package dev.pier.apiserver.http;

import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.metrics.RequestLabels;
import dev.pier.apiserver.registry.ResourceType;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric labels of a request, computed as kube-apiserver computes them (its {@code CleanScope},
 * {@code CanonicalVerb} and {@code CleanVerb}). The path is client input: only resources the cell serves, known
 * subresources and a fixed set of other paths become label values, everything else is {@code other}, so that no
 * client can create series at will.
 */
final class MetricLabels {
    private static final Set<String> VERBS = Set.of("APPLY", "CONNECT", "DELETE", "GET", "LIST", "PATCH", "POST", "PUT", "WATCH");
    /** Kubernetes' subresources, served here or not yet (a 404 on one of them is still worth a series). */
    private static final Set<String> SUBRESOURCES = Set.of("status", "scale", "binding", "eviction", "log", "exec", "attach",
            "portforward", "proxy", "finalize", "ephemeralcontainers", "resize", "approval", "token");
    private static final Set<String> CONNECT = Set.of("log", "exec", "attach", "portforward", "proxy");
    private static final Set<String> PATHS = Set.of("/", "/version", "/healthz", "/livez", "/readyz", "/api", "/apis",
            "/openapi/v2", "/openapi/v3", "/metrics");
    private static final String OTHER = "other";

    private MetricLabels() {
    }

    /** The labels of a request to {@code cell}. */
    static RequestLabels of(Cell cell, ApiCall call) {
        String method = call.method();
        String path = call.path();
        RequestInfo info = RequestInfo.parse(path);
        Optional<ResourceType> type = info == null ? Optional.empty()
                : cell.registry().find(info.group(), info.version(), info.resource());
        String dryRun = dryRun(call.queryAll("dryRun"));
        if (type.isEmpty()) {
            String verb = clean(method.equals("HEAD") ? "GET" : method);
            return new RequestLabels(cell.name(), verb, dryRun, "", "", "", nonResourcePath(cell, path), "", RequestLabels.APISERVER);
        }
        ResourceType t = type.get();
        String subresource = info.subresource().isEmpty() || SUBRESOURCES.contains(info.subresource()) ? info.subresource() : OTHER;
        String scope = !info.name().isEmpty() || method.equals("POST") ? "resource"
                : !info.namespace().isEmpty() ? "namespace" : "cluster";
        String verb = method.equals("GET") || method.equals("HEAD") ? (scope.equals("resource") ? "GET" : "LIST") : method;
        if ((method.equals("GET") || method.equals("HEAD")) && (info.legacyWatch() || ResourceHandler.isTrue(call.query("watch")))) verb = "WATCH";
        if (method.equals("PATCH") && "application/apply-patch+yaml".equals(contentType(call.header("Content-Type")))) verb = "APPLY";
        if (CONNECT.contains(subresource)) verb = "CONNECT";
        return new RequestLabels(cell.name(), clean(verb), dryRun, t.group(), t.version(), t.resource(), subresource, scope,
                RequestLabels.APISERVER);
    }

    /** A request that named no cell this server hosts: no cell label, no path. */
    static RequestLabels unrouted(String method) {
        return new RequestLabels("", clean(method), "", "", "", "", OTHER, "", RequestLabels.APISERVER);
    }

    private static String nonResourcePath(Cell cell, String path) {
        if (PATHS.contains(path)) return path;
        if (path.startsWith("/openapi/v3/")) return "/openapi/v3/";
        String[] p = path.substring(1).split("/");
        // discovery of a group or group-version: as many values as the cell has groups
        if (p.length == 2 && p[0].equals("api") && p[1].equals("v1")) return path;
        if ((p.length == 2 || p.length == 3) && p[0].equals("apis") && cell.registry().groups().containsKey(p[1])) {
            return p.length == 2 || cell.registry().servesGroupVersion(p[1], p[2]) ? path : OTHER;
        }
        return OTHER;
    }

    private static String clean(String verb) {
        return VERBS.contains(verb) ? verb : OTHER;
    }

    /** As Kubernetes: the sorted distinct values when all are valid ("All"), "invalid" otherwise. */
    private static String dryRun(List<String> values) {
        if (values.isEmpty()) return "";
        Set<String> distinct = new TreeSet<>(values);
        return distinct.equals(Set.of("All")) ? "All" : "invalid";
    }

    private static String contentType(String header) {
        if (header == null) return "";
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
