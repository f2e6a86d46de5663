package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * Names one object across every cell of the server: what a work queue holds and what a controller
 * syncs. The resource is implied by the controller that holds the key.
 *
 * @param cell      the cell's name in storage keys
 * @param namespace "" for cluster-scoped objects
 */
public record ObjectKey(String cell, String namespace, String name) {
    public ObjectKey {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** The key of an object read from a cell. */
    public static ObjectKey of(String cell, JsonNode object) {
        JsonNode meta = object.path("metadata");
        return new ObjectKey(cell, meta.path("namespace").asText(""), meta.path("name").asText());
    }

    /** Another object in the same cell and namespace. */
    public ObjectKey sibling(String otherName) {
        return new ObjectKey(cell, namespace, otherName);
    }

    @Override
    public String toString() {
        return cell + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
