package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.table.TableConvertor;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What makes one kind different from another, as Kubernetes' RESTCreateStrategy and friends:
 * defaults, validation, the split between spec and status, table columns and field selectors.
 * Strategies are stateless and never touch storage; the generic {@link ResourceStore} runs them
 * in a fixed order (prepare, validate, metadata validation, canonicalize).
 */
public interface ResourceStrategy {

    /** Defaults and clean-up before a create; e.g. clears status when the kind has a status subresource. */
    default void prepareForCreate(ObjectNode object) {
    }

    /** Called on update of the main resource, after the generic metadata carry-over. */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
    }

    /** Field errors of an object about to be created (metadata is checked by the generic store). */
    default List<FieldError> validate(ObjectNode object) {
        return List.of();
    }

    /** Field errors of an update; by default the same checks as create. */
    default List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        return validate(object);
    }

    /** Whether the kind has a {@code status} subresource, so that status and spec are written separately. */
    default boolean hasStatusSubresource() {
        return false;
    }

    /**
     * Whether a create drops the status the client sent (so only the status subresource ever sets it).
     * Kubernetes does so for every kind with a status subresource except a few, such as Nodes, whose
     * kubelet registers them with their status.
     */
    default boolean resetsStatusOnCreate() {
        return hasStatusSubresource();
    }

    /** Whether metadata.generation counts changes of everything outside metadata and status. */
    default boolean tracksGeneration() {
        return hasStatusSubresource();
    }

    /** How the object's name is checked. */
    default NameRule nameRule() {
        return NameRule.DNS_SUBDOMAIN;
    }

    /**
     * Values this kind reserves across the cell (a Service's cluster IP and node ports); the store runs the
     * allocator after validation and around writes and deletes. Most kinds reserve nothing.
     */
    default Allocator allocator() {
        return Allocator.NONE;
    }

    /**
     * The kind's OpenAPI v3 schema when the kind defines its own (custom resources carry their CRD's);
     * null for built-in kinds, whose schemas come from the shared schema catalog.
     */
    default JsonNode openApiSchema() {
        return null;
    }

    /** Where the kind keeps its replicas, if it has a {@code scale} subresource; null otherwise. */
    default ScaleSubresource scale() {
        return null;
    }

    /** Table columns for {@code kubectl get}. */
    default TableConvertor table() {
        return TableConvertor.NAME_AND_AGE;
    }

    /**
     * Field selectors beyond {@code metadata.name} and {@code metadata.namespace}, which every kind supports:
     * the label (e.g. {@code spec.nodeName}) and how to read it from an object.
     */
    default Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of();
    }
}
