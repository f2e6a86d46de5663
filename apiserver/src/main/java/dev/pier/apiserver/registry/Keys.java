package dev.pier.apiserver.registry;

/**
 * Storage keys: {@code /registry/<cell>/<group>/<resource>/<namespace>/<name>} (no namespace segment for
 * cluster-scoped kinds), so that one store holds every cell and one prefix holds a cell, a resource
 * or a namespace of it.
 */
public final class Keys {
    private Keys() {
    }

    public static String cellPrefix(String cell) {
        return "/registry/" + cell + "/";
    }

    /** Every object of a resource in a cell, across namespaces. */
    public static String resourcePrefix(String cell, ResourceType type) {
        return cellPrefix(cell) + type.storageGroup() + "/" + type.resource() + "/";
    }

    /** The objects of a resource in one namespace; for cluster-scoped kinds or "" the whole resource. */
    public static String listPrefix(String cell, ResourceType type, String namespace) {
        String base = resourcePrefix(cell, type);
        return type.namespaced() && namespace != null && !namespace.isEmpty() ? base + namespace + "/" : base;
    }

    public static String objectKey(String cell, ResourceType type, String namespace, String name) {
        return type.namespaced() ? resourcePrefix(cell, type) + namespace + "/" + name : resourcePrefix(cell, type) + name;
    }
}
