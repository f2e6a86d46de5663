package dev.pier.apiserver.http;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a resource path names, after Kubernetes' RequestInfoFactory:
 * {@code /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}},
 * {@code /apis/{group}/{version}/{resource}/{name}}, and the legacy {@code /watch/} prefix.
 *
 * @param group       "" for the core group
 * @param namespace   "" when the path names none
 * @param name        "" for collections
 * @param subresource "" for the main resource
 * @param legacyWatch true when the path carried the {@code /watch/} segment
 */
public record RequestInfo(String group, String version, String namespace, String resource, String name,
                          String subresource, boolean legacyWatch) {
    /** Namespace paths whose third segment is a subresource of the namespace, not a resource within it. */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /**
     * Parses a path below the cell prefix, or returns null when the path is not a resource path
     * (discovery documents are handled before this).
     */
    public static RequestInfo parse(String path) {
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        if (parts.size() < 3) return null;
        String group;
        String version;
        List<String> rest;
        if (parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            rest = parts.subList(2, parts.size());
        } else if (parts.get(0).equals("apis") && parts.size() >= 4) {
            group = parts.get(1);
            version = parts.get(2);
            rest = parts.subList(3, parts.size());
        } else {
            return null;
        }
        boolean watch = false;
        if (!rest.isEmpty() && rest.getFirst().equals("watch")) {
            watch = true;
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) return null;
        String namespace = "";
        if (rest.get(0).equals("namespaces") && rest.size() > 1) {
            namespace = rest.get(1);
            if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
                rest = rest.subList(2, rest.size());
            } else {
                // the namespace object itself: /namespaces/{name}[/status]
                return new RequestInfo(group, version, "", "namespaces", namespace,
                        rest.size() > 2 ? rest.get(2) : "", watch);
            }
        }
        if (rest.size() > 3) return null;
        return new RequestInfo(group, version, namespace, rest.get(0),
                rest.size() > 1 ? rest.get(1) : "", rest.size() > 2 ? rest.get(2) : "", watch);
    }
}
