package dev.pier.apiserver.registry;

import java.util.List;
import java.util.Objects;

/**
 * One served resource: its names, scope and strategy. Shared, immutable, the same for every cell;
 * a cell keeps only its data.
 *
 * @param group        API group; "" for the core group
 * @param version      e.g. v1
 * @param resource     plural, lower case: {@code deployments}
 * @param singular     {@code deployment}
 * @param kind         {@code Deployment}
 * @param namespaced   true when objects live in namespaces
 * @param shortNames   e.g. {@code deploy}
 * @param categories   e.g. {@code all}
 * @param strategy     defaults, validation, table columns and field selectors of this kind
 */
public record ResourceType(String group, String version, String resource, String singular, String kind,
                           boolean namespaced, List<String> shortNames, List<String> categories,
                           ResourceStrategy strategy) {

    public ResourceType {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(strategy, "strategy of " + resource);
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    /** {@code deployments.apps}, or {@code pods} in the core group: how Kubernetes names a resource in messages. */
    public String groupResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    /** The storage segment of the group: "core" for the core group. */
    public String storageGroup() {
        return group.isEmpty() ? "core" : group;
    }

    public boolean hasStatus() {
        return strategy.hasStatusSubresource();
    }

    public List<String> verbs() {
        return List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    }
}
