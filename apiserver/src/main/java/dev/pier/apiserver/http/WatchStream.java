package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.watch.CacheEvent;
import dev.pier.apiserver.watch.CacheWatcher;

import java.util.concurrent.TimeUnit;

/**
 * Streams a watch: one JSON event per line, flushed per event, until the client leaves, the timeout
 * passes or the cache ends the watcher. Serves Table events for {@code kubectl get -w}, BOOKMARK events
 * when asked, and an ERROR event with a 410 Status when the start revision is too old.
 */
final class WatchStream {
    private static final long BOOKMARK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long POLL_MILLIS = 1000;

    private WatchStream() {
    }

    static void serve(ApiCall call, ResourceType type, ResourceStore store, String ns, String name, ListOptions options) {
        boolean table = Negotiation.wantsTable(call.header("Accept"));
        String includeObject = call.query("includeObject");
        CacheWatcher watcher;
        try {
            watcher = store.watch(ns, options);
        } catch (ApiException e) {
            if (e.code() != 410) throw e;
            // Clients re-list on this event; Kubernetes sends it in a 200 stream rather than as an HTTP error.
            call.startStream(Responses.JSON);
            call.write(CacheEvent.line("ERROR", e.toStatus()));
            call.endStream();
            return;
        }
        try (watcher) {
            call.startStream(Responses.JSON);
            long deadline = options.timeoutSeconds() > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds()) : Long.MAX_VALUE;
            long nextBookmark = System.nanoTime() + BOOKMARK_INTERVAL_NANOS;
            boolean first = true;
            while (!call.clientGone() && System.nanoTime() < deadline) {
                CacheEvent e = watcher.next(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (e == null) {
                    if (options.allowWatchBookmarks() && System.nanoTime() > nextBookmark) {
                        call.write(bookmark(type, watcher.bookmarkRevision()));
                        nextBookmark = System.nanoTime() + BOOKMARK_INTERVAL_NANOS;
                    }
                    continue;
                }
                if (CacheWatcher.isEnd(e)) break;
                call.write(table ? CacheEvent.line(e.type(), Tables.ofObject(type, e.object(), includeObject, first)) : e.jsonLine());
                first = false;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            call.endStream();
        }
    }

    private static byte[] bookmark(ResourceType type, long revision) {
        ObjectNode o = Json.object();
        o.put("kind", type.kind());
        o.put("apiVersion", type.apiVersion());
        o.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return CacheEvent.line("BOOKMARK", o);
    }
}
