package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;

import java.util.List;
import java.util.Map;

/**
 * The discovery documents of a registry: {@code /api}, {@code /apis}, per-group-version resource
 * lists, and aggregated discovery (one round trip for kubectl). Built once; the same for every cell
 * that serves the same registry.
 */
public final class Discovery {
    public static final String AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    public static final String AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private final ResourceRegistry registry;
    private final ObjectNode apiVersions;
    private final ObjectNode apiGroupList;
    private final ObjectNode aggregatedCore;
    private final ObjectNode aggregatedGroups;

    public Discovery(ResourceRegistry registry) {
        this.registry = registry;
        this.apiVersions = buildApiVersions();
        this.apiGroupList = buildGroupList();
        this.aggregatedCore = buildAggregated(true);
        this.aggregatedGroups = buildAggregated(false);
    }

    /** {@code /api} */
    public ObjectNode apiVersions() {
        return apiVersions;
    }

    /** {@code /apis} */
    public ObjectNode apiGroupList() {
        return apiGroupList;
    }

    /** Aggregated discovery for {@code /api} (core) or {@code /apis}, in the requested version (v2 or v2beta1). */
    public ObjectNode aggregated(boolean core, String version) {
        ObjectNode doc = (core ? aggregatedCore : aggregatedGroups).deepCopy();
        doc.put("apiVersion", "apidiscovery.k8s.io/" + version);
        return doc;
    }

    /** {@code /apis/<group>}, or null when the group is not served. */
    public ObjectNode group(String group) {
        for (var g : apiGroupList.path("groups")) {
            if (g.path("name").asText().equals(group)) {
                ObjectNode doc = ((ObjectNode) g).deepCopy();
                doc.put("kind", "APIGroup");
                doc.put("apiVersion", "v1");
                return doc;
            }
        }
        return null;
    }

    /** {@code /api/v1} or {@code /apis/<group>/<version>}, or null when not served. */
    public ObjectNode resourceList(String group, String version) {
        if (!registry.servesGroupVersion(group, version)) return null;
        ObjectNode doc = Json.object();
        doc.put("kind", "APIResourceList");
        doc.put("apiVersion", "v1");
        doc.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = doc.putArray("resources");
        for (ResourceType t : registry.inGroupVersion(group, version)) {
            ObjectNode r = resources.addObject();
            r.put("name", t.resource());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            strings(r.putArray("verbs"), t.verbs());
            if (!t.shortNames().isEmpty()) strings(r.putArray("shortNames"), t.shortNames());
            if (!t.categories().isEmpty()) strings(r.putArray("categories"), t.categories());
            for (Subresource sub : subresources(t)) {
                ObjectNode s = resources.addObject();
                s.put("name", t.resource() + "/" + sub.name());
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                if (sub.group() != null) {
                    s.put("group", sub.group());
                    s.put("version", sub.version());
                }
                s.put("kind", sub.kind());
                strings(s.putArray("verbs"), sub.verbs());
            }
        }
        return doc;
    }

    /** A subresource as discovery lists it; group and version only when its kind lives in another group. */
    private record Subresource(String name, String group, String version, String kind, List<String> verbs) {
    }

    private static final List<String> READ_WRITE = List.of("get", "patch", "update");

    private static List<Subresource> subresources(ResourceType t) {
        List<Subresource> subs = new java.util.ArrayList<>(2);
        if (t.hasStatus()) subs.add(new Subresource("status", null, null, t.kind(), READ_WRITE));
        if (t.strategy().scale() != null) subs.add(new Subresource("scale", "autoscaling", "v1", "Scale", READ_WRITE));
        if (t.group().isEmpty() && t.resource().equals("pods")) {
            // kubectl drain looks for pods/eviction here to learn it may evict (and with which version)
            subs.add(new Subresource("binding", null, null, "Binding", List.of("create")));
            subs.add(new Subresource("eviction", "policy", "v1", "Eviction", List.of("create")));
            // the streaming subresources, with Kubernetes' kinds and verbs (served by the node agent through PodStreams)
            subs.add(new Subresource("attach", null, null, "PodAttachOptions", List.of("create", "get")));
            subs.add(new Subresource("exec", null, null, "PodExecOptions", List.of("create", "get")));
            subs.add(new Subresource("log", null, null, "Pod", List.of("get")));
            subs.add(new Subresource("portforward", null, null, "PodPortForwardOptions", List.of("create", "get")));
        }
        if (t.group().equals("certificates.k8s.io") && t.resource().equals("certificatesigningrequests")) {
            subs.add(new Subresource("approval", null, null, t.kind(), READ_WRITE));
        }
        return subs;
    }

    private ObjectNode buildApiVersions() {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIVersions");
        strings(doc.putArray("versions"), registry.groups().getOrDefault("", List.of()));
        ObjectNode addr = doc.putArray("serverAddressByClientCIDRs").addObject();
        addr.put("clientCIDR", "0.0.0.0/0");
        addr.put("serverAddress", "");
        return doc;
    }

    private ObjectNode buildGroupList() {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIGroupList");
        doc.put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
            if (g.getKey().isEmpty()) continue;
            ObjectNode group = groups.addObject();
            group.put("name", g.getKey());
            ArrayNode versions = group.putArray("versions");
            for (String v : g.getValue()) {
                ObjectNode gv = versions.addObject();
                gv.put("groupVersion", g.getKey() + "/" + v);
                gv.put("version", v);
            }
            group.set("preferredVersion", versions.get(0).deepCopy());
        }
        return doc;
    }

    private ObjectNode buildAggregated(boolean core) {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIGroupDiscoveryList");
        doc.put("apiVersion", "apidiscovery.k8s.io/v2");
        doc.putObject("metadata");
        ArrayNode items = doc.putArray("items");
        for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
            if (g.getKey().isEmpty() != core) continue;
            ObjectNode item = items.addObject();
            item.putObject("metadata").put("name", g.getKey());
            ArrayNode versions = item.putArray("versions");
            for (String v : g.getValue()) {
                ObjectNode version = versions.addObject();
                version.put("version", v);
                ArrayNode resources = version.putArray("resources");
                for (ResourceType t : registry.inGroupVersion(g.getKey(), v)) {
                    ObjectNode r = resources.addObject();
                    r.put("resource", t.resource());
                    r.set("responseKind", kind(t));
                    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
                    r.put("singularResource", t.singular());
                    strings(r.putArray("verbs"), t.verbs());
                    if (!t.shortNames().isEmpty()) strings(r.putArray("shortNames"), t.shortNames());
                    if (!t.categories().isEmpty()) strings(r.putArray("categories"), t.categories());
                    List<Subresource> subs = subresources(t);
                    if (!subs.isEmpty()) {
                        ArrayNode sa = r.putArray("subresources");
                        for (Subresource sub : subs) {
                            ObjectNode s = sa.addObject();
                            s.put("subresource", sub.name());
                            ObjectNode k = Json.object();
                            k.put("group", sub.group() == null ? t.group() : sub.group());
                            k.put("version", sub.version() == null ? t.version() : sub.version());
                            k.put("kind", sub.kind());
                            s.set("responseKind", k);
                            strings(s.putArray("verbs"), sub.verbs());
                        }
                    }
                }
                version.put("freshness", "Current");
            }
        }
        return doc;
    }

    private static ObjectNode kind(ResourceType t) {
        ObjectNode k = Json.object();
        k.put("group", t.group());
        k.put("version", t.version());
        k.put("kind", t.kind());
        return k;
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }
}
