package dev.pier.apiserver.schema;

import java.util.Objects;

/**
 * A group, version and kind, as Kubernetes names a kind in {@code x-kubernetes-group-version-kind}.
 *
 * @param group   "" for the core group
 * @param version e.g. v1
 * @param kind    e.g. Deployment
 */
public record Gvk(String group, String version, String kind) {
    public Gvk {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
    }

    /** {@code apps/v1}, or {@code v1} in the core group. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion() + ", Kind=" + kind;
    }
}
