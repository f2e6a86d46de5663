package dev.pier.apiserver.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The served resources, looked up by group, version and plural. Immutable and shared by every cell
 * (a cell's CRDs, later, layer on top of it).
 */
public final class ResourceRegistry {
    private final List<ResourceType> types;
    private final Map<String, ResourceType> byPath = new LinkedHashMap<>();
    /** group → versions in preference order */
    private final Map<String, List<String>> groupVersions = new LinkedHashMap<>();

    public ResourceRegistry(List<ResourceType> types) {
        this.types = List.copyOf(types);
        for (ResourceType t : types) {
            String k = t.group() + "/" + t.version() + "/" + t.resource();
            if (byPath.put(k, t) != null) throw new IllegalArgumentException("resource registered twice: " + k);
            List<String> versions = groupVersions.computeIfAbsent(t.group(), g -> new ArrayList<>());
            if (!versions.contains(t.version())) versions.add(t.version());
        }
    }

    /** This registry plus more types (a cell's custom resources). */
    public ResourceRegistry plus(List<ResourceType> more) {
        if (more.isEmpty()) return this;
        List<ResourceType> all = new ArrayList<>(types);
        all.addAll(more);
        return new ResourceRegistry(all);
    }

    public Optional<ResourceType> find(String group, String version, String resource) {
        return Optional.ofNullable(byPath.get(group + "/" + version + "/" + resource));
    }

    public List<ResourceType> all() {
        return types;
    }

    /** Groups in registration order (core first), each with its versions, preferred first. */
    public Map<String, List<String>> groups() {
        return Collections.unmodifiableMap(groupVersions);
    }

    public boolean servesGroupVersion(String group, String version) {
        return groupVersions.getOrDefault(group, List.of()).contains(version);
    }

    public List<ResourceType> inGroupVersion(String group, String version) {
        return types.stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }
}
