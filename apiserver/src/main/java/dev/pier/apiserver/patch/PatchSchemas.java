package dev.pier.apiserver.patch;

import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.schema.Property;
import dev.pier.apiserver.schema.SchemaCatalog;
import dev.pier.apiserver.schema.TypeDef;

/**
 * The merge knowledge of each kind, for strategic merge patches, read from the shared
 * {@link SchemaCatalog}. Kinds the catalog does not know (custom resources) get {@link PatchSchema#NONE}:
 * their strategic patches behave as merge patches, as in Kubernetes.
 */
public final class PatchSchemas {
    private PatchSchemas() {
    }

    public static PatchSchema of(ResourceType type) {
        TypeDef root = SchemaCatalog.shared().kind(type.group(), type.version(), type.kind());
        return root == null ? PatchSchema.NONE : new Node(null, root);
    }

    /**
     * A position in a type: the property that leads here (for list strategies) and the type of the
     * object here, or of the list's items.
     */
    private record Node(Property property, TypeDef type) implements PatchSchema {
        @Override
        public PatchSchema field(String name) {
            if (type == null) return PatchSchema.NONE;
            Property p = type.property(name);
            return p == null ? PatchSchema.NONE : new Node(p, p.elementType());
        }

        @Override
        public String mergeKey() {
            return property == null ? null : property.patchMergeKey();
        }

        @Override
        public boolean mergesList() {
            return property != null && property.mergesList();
        }
    }
}
