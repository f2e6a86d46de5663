package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceType;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The objects of one resource across every cell of the server, kept current by the {@link InformerHub}'s
 * single storage watch, indexed by cell and namespace. Objects are shared between every reader: never
 * change one, copy it first ({@code deepCopy()}).
 */
public final class Informer {
    private final ResourceType type;
    /** cell → namespace → name → object. */
    private final Map<String, Map<String, Map<String, ObjectNode>>> objects = new ConcurrentHashMap<>();
    private final List<EventHandler> handlers = new CopyOnWriteArrayList<>();

    Informer(ResourceType type) {
        this.type = type;
    }

    public ResourceType type() {
        return type;
    }

    public void addHandler(EventHandler handler) {
        handlers.add(handler);
    }

    public Optional<ObjectNode> get(ObjectKey key) {
        return Optional.ofNullable(namespace(key.cell(), key.namespace(), false).get(key.name()));
    }

    /** The objects of one namespace of a cell ("" for cluster-scoped kinds). */
    public Collection<ObjectNode> list(String cell, String namespace) {
        return List.copyOf(namespace(cell, namespace, false).values());
    }

    /** Every object of a cell, across namespaces. */
    public List<ObjectNode> listCell(String cell) {
        Map<String, Map<String, ObjectNode>> byNs = objects.get(cell);
        if (byNs == null) return List.of();
        return byNs.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    /** The cells that hold at least one object of this resource. */
    public Collection<String> cells() {
        return List.copyOf(objects.keySet());
    }

    private Map<String, ObjectNode> namespace(String cell, String namespace, boolean create) {
        if (create) {
            return objects.computeIfAbsent(cell, c -> new ConcurrentHashMap<>())
                    .computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
        }
        Map<String, Map<String, ObjectNode>> byNs = objects.get(cell);
        if (byNs == null) return Map.of();
        return byNs.getOrDefault(namespace, Map.of());
    }

    // Called by the hub on its delivery thread only.

    void put(String cell, String namespace, String name, ObjectNode object) {
        ObjectNode old = namespace(cell, namespace, true).put(name, object);
        for (EventHandler h : handlers) {
            if (old == null) h.onAdd(cell, object);
            else h.onUpdate(cell, old, object);
        }
    }

    void remove(String cell, String namespace, String name) {
        Map<String, ObjectNode> byName = namespace(cell, namespace, false);
        ObjectNode old = byName.isEmpty() ? null : byName.remove(name);
        if (old == null) return;
        if (byName.isEmpty()) {
            Map<String, Map<String, ObjectNode>> byNs = objects.get(cell);
            if (byNs != null) {
                byNs.remove(namespace, byName);
                if (byNs.isEmpty()) objects.remove(cell, byNs);
            }
        }
        for (EventHandler h : handlers) h.onDelete(cell, old);
    }

    /** Keys of every object held, for a re-list to find what disappeared. */
    List<ObjectKey> keys() {
        return objects.entrySet().stream().flatMap(c -> c.getValue().entrySet().stream()
                .flatMap(n -> n.getValue().keySet().stream().map(name -> new ObjectKey(c.getKey(), n.getKey(), name)))).toList();
    }
}
