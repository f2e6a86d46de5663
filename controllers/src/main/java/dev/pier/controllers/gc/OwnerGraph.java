package dev.pier.controllers.gc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.registry.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who owns whom, across every cell: each watched object by uid with its owner references, and for each
 * owner uid the uids of its dependents. Kept by informer callbacks (one writer), read by GC workers.
 */
final class OwnerGraph {
    record OwnerRef(String uid, String apiVersion, String kind, String name, boolean blockOwnerDeletion) {
    }

    record Node(String cell, ResourceType type, String namespace, String name, String uid, List<OwnerRef> owners,
                List<String> finalizers, boolean deleting) {
    }

    private final Map<String, Node> byUid = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> dependents = new ConcurrentHashMap<>();

    static Node nodeOf(String cell, ResourceType type, JsonNode object) {
        JsonNode meta = object.path("metadata");
        List<OwnerRef> owners = new ArrayList<>();
        for (JsonNode r : meta.path("ownerReferences")) {
            owners.add(new OwnerRef(r.path("uid").asText(), r.path("apiVersion").asText(), r.path("kind").asText(),
                    r.path("name").asText(), r.path("blockOwnerDeletion").asBoolean(false)));
        }
        List<String> finalizers = new ArrayList<>();
        for (JsonNode f : meta.path("finalizers")) finalizers.add(f.asText());
        return new Node(cell, type, meta.path("namespace").asText(""), meta.path("name").asText(), meta.path("uid").asText(),
                List.copyOf(owners), List.copyOf(finalizers), meta.hasNonNull("deletionTimestamp"));
    }

    void put(Node node) {
        Node old = byUid.put(node.uid(), node);
        if (old != null) for (OwnerRef r : old.owners()) unlink(r.uid(), node.uid());
        for (OwnerRef r : node.owners()) dependents.computeIfAbsent(r.uid(), u -> ConcurrentHashMap.newKeySet()).add(node.uid());
    }

    void remove(String uid) {
        Node old = byUid.remove(uid);
        if (old != null) for (OwnerRef r : old.owners()) unlink(r.uid(), uid);
    }

    private void unlink(String owner, String dependent) {
        dependents.computeIfPresent(owner, (k, set) -> {
            set.remove(dependent);
            return set.isEmpty() ? null : set;
        });
    }

    Node get(String uid) {
        return byUid.get(uid);
    }

    List<Node> dependentsOf(String uid) {
        List<Node> out = new ArrayList<>();
        for (String d : dependents.getOrDefault(uid, Set.of())) {
            Node n = byUid.get(d);
            if (n != null) out.add(n);
        }
        return out;
    }
}
