package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.GracefulDeletion;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.util.Map;
import java.util.function.Function;

/**
 * Namespaces: DNS-label names, phase Active on create, and two-step deletion: delete marks the namespace
 * Terminating (refusing new objects), the cell's namespace finalizer empties it, then removes it.
 */
final class NamespaceStrategy implements ResourceStrategy, GracefulDeletion {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Status", o -> Json.text(o, "status.phase"))
            .age()
            .build();

    @Override
    public void prepareForCreate(ObjectNode object) {
        Json.with(object, "status").put("phase", "Active");
        Json.with(object, "spec").putArray("finalizers").add("kubernetes");
        // Kubernetes labels every namespace with its own name so selectors can pick namespaces by name.
        Json.with(object, "metadata", "labels").put("kubernetes.io/metadata.name", object.path("metadata").path("name").asText());
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        // spec.finalizers may only shrink, and only once the namespace is terminating: that is how the
        // namespace finalizer releases it (Kubernetes uses a /finalize subresource for the same step).
        boolean releasing = old.path("metadata").hasNonNull("deletionTimestamp")
                && object.path("spec").path("finalizers").size() < old.path("spec").path("finalizers").size();
        if (!releasing && old.has("spec")) object.set("spec", old.get("spec"));
        Json.with(object, "metadata", "labels").put("kubernetes.io/metadata.name", old.path("metadata").path("name").asText());
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS_LABEL;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        // "name" is a historical alias of metadata.name that Kubernetes keeps for compatibility.
        return Map.of("status.phase", o -> Json.text(o, "status.phase"), "name", o -> o.path("metadata").path("name").asText());
    }

    @Override
    public void prepareForDeletion(ObjectNode object) {
        Json.with(object, "status").put("phase", "Terminating");
    }

    @Override
    public boolean keepsUntilFinalized(ObjectNode marked) {
        return !marked.path("spec").path("finalizers").isEmpty();
    }
}
