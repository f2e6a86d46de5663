package dev.pier.apiserver.cell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.watch.CacheEvent;
import dev.pier.apiserver.watch.CacheWatcher;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finishes the deletion of namespaces: once a namespace is marked Terminating, deletes every object in
 * it, then drops the namespace's "kubernetes" finalizer so it disappears (Kubernetes' namespace
 * controller, in its simplest form). Fed by a watch on the cell's namespaces, so it also resumes
 * deletions interrupted by a restart. If objects with finalizers remain, it retries when the namespace
 * is next touched or every few seconds.
 */
final class NamespaceFinalizer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NamespaceFinalizer.class.getName());

    private final Cell cell;
    private final ResourceType namespaces;
    private final Thread thread;
    private volatile boolean closed;
    private CacheWatcher watcher;

    private NamespaceFinalizer(Cell cell) {
        this.cell = cell;
        this.namespaces = cell.registry().find("", "v1", "namespaces").orElseThrow();
        this.thread = Thread.ofVirtual().name("namespace-finalizer-" + cell.name()).unstarted(this::run);
    }

    static NamespaceFinalizer start(Cell cell) {
        NamespaceFinalizer f = new NamespaceFinalizer(cell);
        f.watcher = cell.cache(f.namespaces).watch(0, o -> o.path("metadata").hasNonNull("deletionTimestamp"), 1024);
        f.thread.start();
        return f;
    }

    private void run() {
        java.util.Set<String> pending = new java.util.LinkedHashSet<>();
        while (!closed) {
            try {
                CacheEvent e = watcher.next(pending.isEmpty() ? 60 : 2, TimeUnit.SECONDS);
                if (e != null && CacheWatcher.isEnd(e)) {
                    if (closed) return;
                    watcher = cell.cache(namespaces).watch(0, o -> o.path("metadata").hasNonNull("deletionTimestamp"), 1024);
                    continue;
                }
                if (e != null && !e.type().equals("DELETED")) pending.add(e.object().path("metadata").path("name").asText());
                pending.removeIf(this::finish);
            } catch (InterruptedException ie) {
                return;
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "namespace finalization in cell " + cell.name() + " failed; will retry", ex);
            }
        }
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
        closed = true;
        if (watcher != null) watcher.close();
        thread.interrupt();
    }
}
