package dev.pier.apiserver.patch;

import dev.pier.apiserver.registry.ResourceType;

/** The merge knowledge of each kind, for strategic merge patches. */
public final class PatchSchemas {
    private PatchSchemas() {
    }

    public static PatchSchema of(ResourceType type) {
        return PatchSchema.NONE;
    }
}
