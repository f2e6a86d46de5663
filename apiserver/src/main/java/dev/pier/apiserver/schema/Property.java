package dev.pier.apiserver.schema;

import java.util.List;
import java.util.Objects;

/**
 * One property of an object type, with the Kubernetes list and patch knowledge attached to it.
 *
 * @param name          the JSON name, e.g. {@code containers}
 * @param shape         the shape of its value
 * @param description   a human description (generated when no documentation is known)
 * @param patchStrategy {@code x-kubernetes-patch-strategy} ("merge", "retainKeys", "merge,retainKeys") or null
 * @param patchMergeKey {@code x-kubernetes-patch-merge-key} (e.g. {@code name}) or null
 * @param listType      {@code x-kubernetes-list-type} ("atomic", "set", "map") or null
 * @param listMapKeys   {@code x-kubernetes-list-map-keys}, empty unless listType is "map"
 * @param mapType       {@code x-kubernetes-map-type} of a map-valued property ("atomic", "granular") or null
 */
public record Property(String name, Shape shape, String description, String patchStrategy, String patchMergeKey,
                       String listType, List<String> listMapKeys, String mapType) {

    public Property {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(description, "description");
        listMapKeys = List.copyOf(listMapKeys);
    }

    /** True when strategic merge patch merges this list (by {@link #patchMergeKey()} for objects, as a set for scalars). */
    public boolean mergesList() {
        return patchStrategy != null && patchStrategy.contains("merge");
    }

    /** The named type of this property's value, of its list items or of its map values; null for scalars. */
    public TypeDef elementType() {
        Shape s = shape;
        while (true) {
            if (s instanceof Shape.Ref r) return r.type();
            if (s instanceof Shape.ArrayOf a) {
                s = a.items();
            } else if (s instanceof Shape.MapOf m) {
                s = m.values();
            } else {
                return null;
            }
        }
    }
}
