package dev.pier.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Tree;

import java.util.Map;

/**
 * The two kinds the replica controller keeps: ReplicaSets select pods with a metav1.LabelSelector,
 * ReplicationControllers with a plain map of labels. Everything else is the same controller.
 */
record ReplicaKind(ResourceType type, String component, boolean mapSelector) {

    boolean selects(JsonNode owner, JsonNode pod) {
        JsonNode selector = owner.path("spec").path("selector");
        JsonNode labels = pod.path("metadata").path("labels");
        if (mapSelector) {
            Map<String, String> want = Tree.stringMap(selector);
            if (want.isEmpty()) return false;
            Map<String, String> have = Tree.stringMap(labels);
            return want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
        }
        // an empty selector selects nothing here: validation refuses one, and a controller must never claim every pod
        return !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, labels);
    }

    boolean owns(JsonNode ref) {
        return ref.path("kind").asText().equals(type.kind()) && ref.path("apiVersion").asText().equals(type.apiVersion());
    }
}
