package dev.pier.apiserver.cell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.watch.CacheEvent;
import dev.pier.apiserver.watch.SyncLoop;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finishes the deletion of namespaces: once a namespace is marked Terminating, deletes every object in
 * it, then drops the namespace's "kubernetes" finalizer so it disappears (Kubernetes' namespace
 * controller, in its simplest form). Fed by a watch on the cell's namespaces, so it also resumes
 * deletions interrupted by a restart. If objects with finalizers remain, it retries when the namespace
 * is next touched or every few seconds.
 */
final class NamespaceFinalizer implements AutoCloseable {
    private final Cell cell;
    private final ResourceType namespaces;
    private final Set<String> pending = new LinkedHashSet<>();
    private SyncLoop loop;

    private NamespaceFinalizer(Cell cell) {
        this.cell = cell;
        this.namespaces = cell.registry().find("", "v1", "namespaces").orElseThrow();
    }

    static NamespaceFinalizer start(Cell cell) {
        NamespaceFinalizer f = new NamespaceFinalizer(cell);
        f.loop = SyncLoop.start("namespace-finalizer-" + cell.name(),
                () -> cell.cache(f.namespaces).watch(0, o -> o.path("metadata").hasNonNull("deletionTimestamp"), 1024),
                Duration.ofSeconds(2), f::sync);
        return f;
    }

    /** Only the finalizer's thread calls this. */
    private boolean sync(List<CacheEvent> changes) {
        for (CacheEvent e : changes) {
            if (!e.type().equals("DELETED")) pending.add(e.object().path("metadata").path("name").asText());
        }
        pending.removeIf(this::finish);
        return pending.isEmpty();
    }

    /** @return true when the namespace is gone (or needs nothing more) */
    private boolean finish(String namespace) {
        boolean empty = true;
        for (ResourceType t : cell.registry().all()) {
            if (!t.namespaced()) continue;
            ObjectNode left = cell.store(t).deleteCollection(namespace, ListOptions.all(), DeleteOptions.defaults());
            for (JsonNode item : left.path("items")) {
                if (!item.path("metadata").path("finalizers").isEmpty()) empty = false;
            }
        }
        if (!empty) return false;
        try {
            cell.store(namespaces).guaranteedUpdate("", namespace, "", false, WriteOptions.defaults(), ns -> {
                ns.withObject("spec").remove("finalizers");
                return ns;
            });
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
        return true;
    }

    @Override
    public void close() {
        if (loop != null) loop.close();
    }
}
