package dev.pier.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The current objects of one resource in one cell, kept from a single storage watch, plus a window of
 * recent changes; serves lists at "any recent" resourceVersion and fans changes out to every API watch,
 * as kube-apiserver's cacher does. Storage sees one watch per cached resource however many clients watch.
 *
 * <p>Design: one lock guards the object map, the history window and the revision. Storage deliveries
 * apply under the lock and then offer each event to every registered {@link CacheWatcher}'s bounded
 * queue, outside the lock; a watcher that cannot keep up is ended (its client re-watches), never waited
 * for. A watcher registers under the lock, so it sees exactly the changes after its start revision.
 */
public final class WatchCache implements WatchListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);
    private static final int DEFAULT_HISTORY = 4096;
    private static final int LOAD_PAGE = 1000;
    private static final Duration FRESHNESS_WAIT = Duration.ofSeconds(3);

    private final KeyValueStore store;
    private final String prefix;
    private final Function<KeyValue, ObjectNode> decoder;
    private final int historySize;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
    private final ArrayDeque<CacheEvent> history = new ArrayDeque<>();
    private final List<CacheWatcher> watchers = new CopyOnWriteArrayList<>();
    private long revision;
    /** Changes after this revision are all in {@link #history}. */
    private long historyStart;
    private Watch storageWatch;
    private volatile boolean closed;

    private WatchCache(KeyValueStore store, String prefix, Function<KeyValue, ObjectNode> decoder, int historySize) {
        this.store = store;
        this.prefix = prefix;
        this.decoder = decoder;
        this.historySize = historySize;
    }

    /** Loads the prefix and starts following it. Blocks until the initial load is done. */
    public static WatchCache start(KeyValueStore store, String prefix, Function<KeyValue, ObjectNode> decoder) {
        return start(store, prefix, decoder, DEFAULT_HISTORY);
    }

    /** As {@link #start(KeyValueStore, String, Function)}, keeping the last {@code historySize} changes for watches that resume. */
    public static WatchCache start(KeyValueStore store, String prefix, Function<KeyValue, ObjectNode> decoder, int historySize) {
        if (historySize < 1) throw new IllegalArgumentException("historySize must be positive but was " + historySize);
        WatchCache cache = new WatchCache(store, prefix, decoder, historySize);
        cache.load(false);
        return cache;
    }

    private void load(boolean restart) {
        long started = System.nanoTime();
        // Read in pages at one revision, so a large resource never needs one huge storage response.
        TreeMap<String, ObjectNode> loaded = new TreeMap<>();
        RangeRequest page = RangeRequest.prefix(prefix).withLimit(LOAD_PAGE);
        RangeResult r;
        do {
            r = store.range(page);
            for (KeyValue kv : r.kvs()) loaded.put(kv.key(), decoder.apply(kv));
            if (!r.kvs().isEmpty()) page = page.atRevision(r.revision()).startingAt(r.kvs().getLast().key() + "\0");
        } while (r.more());
        long at = r.revision();
        lock.lock();
        try {
            objects.clear();
            objects.putAll(loaded);
            revision = at;
            historyStart = at;
            history.clear();
        } finally {
            lock.unlock();
        }
        storageWatch = store.watch(prefix, at, this);
        LOG.info("Watch cache {} {}: {} objects at revision {} in {} ms", prefix, restart ? "restarted" : "started",
                loaded.size(), at, (System.nanoTime() - started) / 1_000_000);
    }

    /** The revision the cache reflects. */
    public long revision() {
        lock.lock();
        try {
            return revision;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The current objects matching {@code filter}, once the cache is at least at {@code minRevision}.
     *
     * @throws ApiException 504 if the cache does not reach that revision within a few seconds
     */
    public Snapshot list(long minRevision, String keyPrefix, Predicate<ObjectNode> filter) {
        waitFor(minRevision);
        lock.lock();
        try {
            List<ObjectNode> items = new ArrayList<>();
            Collection<ObjectNode> range = keyPrefix.equals(prefix)
                    ? objects.values()
                    : objects.subMap(keyPrefix, keyPrefix + Character.MAX_VALUE).values();
            for (ObjectNode o : range) {
                if (filter.test(o)) items.add(o);
            }
            return new Snapshot(items, revision);
        } finally {
            lock.unlock();
        }
    }

    public record Snapshot(List<ObjectNode> items, long revision) {
    }

    /**
     * Starts a watcher. With {@code fromRevision} 0 it first receives every current object as ADDED;
     * otherwise every change after that revision.
     *
     * @throws ApiException 410 Gone when the revision is older than the cache's window
     */
    public CacheWatcher watch(long fromRevision, CacheWatcher.Filter filter, int capacity) {
        if (fromRevision > 0) waitFor(fromRevision);
        long windowStart = historyStart();
        // Older than the window (a cache started after the client's list, or a long history): the changes in
        // between are still in storage unless compacted, so read them from there rather than answer 410.
        Backfill backfill = fromRevision > 0 && fromRevision < windowStart ? backfill(fromRevision, windowStart) : null;
        lock.lock();
        try {
            List<CacheEvent> initial = new ArrayList<>();
            long start;
            if (fromRevision == 0) {
                for (ObjectNode o : objects.values()) {
                    initial.add(new CacheEvent("ADDED", o, null, revision));
                }
                start = revision;
            } else {
                long coveredFrom = historyStart;
                if (backfill != null && backfill.through() >= historyStart) {
                    initial.addAll(backfill.events());
                    coveredFrom = fromRevision;
                }
                if (fromRevision < coveredFrom) {
                    throw ApiException.gone("too old resource version: " + fromRevision + " (" + historyStart + ")");
                }
                long after = backfill != null && coveredFrom == fromRevision ? backfill.through() : fromRevision;
                for (CacheEvent e : history) {
                    if (e.revision() > after) initial.add(e);
                }
                start = fromRevision;
            }
            CacheWatcher w = new CacheWatcher(this, filter, Math.max(capacity, initial.size() + 64), start);
            for (CacheEvent e : initial) w.offer(e);
            watchers.add(w);
            return w;
        } finally {
            lock.unlock();
        }
    }

    private long historyStart() {
        lock.lock();
        try {
            return historyStart;
        } finally {
            lock.unlock();
        }
    }

    /** Changes of the prefix in (from, through], read back from storage. */
    private record Backfill(List<CacheEvent> events, long through) {
    }

    /**
     * Replays the prefix's changes after {@code from} up to {@code to} with a short-lived storage watch;
     * null when storage no longer has them (compacted) or does not answer in time.
     */
    private Backfill backfill(long from, long to) {
        List<CacheEvent> events = new ArrayList<>();
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        Watch replay = store.watch(prefix, from, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> batch) {
                synchronized (events) {
                    for (WatchEvent e : batch) {
                        if (e.revision() > to) {
                            done.complete(to);
                            return;
                        }
                        events.add(toCacheEvent(e));
                    }
                    if (batch.getLast().revision() == to) done.complete(to);
                }
            }

            @Override
            public void onError(StorageException error) {
                done.complete(-1L);
            }

            @Override
            public void onProgress(long revision) {
                if (revision >= to) done.complete(to);
            }
        });
        try {
            replay.requestProgress();
            long through = done.get(FRESHNESS_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (through < 0) return null;
            synchronized (events) {
                return new Backfill(List.copyOf(events), through);
            }
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            replay.close();
        }
    }

    /** A storage change as a watch event, without touching the cache's state. */
    private CacheEvent toCacheEvent(WatchEvent e) {
        if (e.type() == WatchEvent.Type.DELETE) {
            ObjectNode last = decoder.apply(e.previous());
            last.withObject("metadata").put("resourceVersion", Long.toString(e.revision()));
            return new CacheEvent("DELETED", last, null, e.revision());
        }
        ObjectNode current = decoder.apply(e.kv());
        return new CacheEvent(e.previous() == null ? "ADDED" : "MODIFIED", current,
                e.previous() == null ? null : decoder.apply(e.previous()), e.revision());
    }

    void remove(CacheWatcher watcher) {
        watchers.remove(watcher);
    }

    private void waitFor(long minRevision) {
        if (minRevision <= 0) return;
        long deadline = System.nanoTime() + FRESHNESS_WAIT.toNanos();
        boolean asked = false;
        lock.lock();
        try {
            while (revision < minRevision) {
                if (!asked) {
                    // The prefix may simply have had no change up to minRevision; ask storage to say so.
                    lock.unlock();
                    try {
                        storageWatch.requestProgress();
                    } finally {
                        lock.lock();
                    }
                    asked = true;
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw ApiException.timeout("Too large resource version: " + minRevision + ", current: " + revision);
                }
                advanced.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.timeout("interrupted while waiting for resource version " + minRevision);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        lock.lock();
        try {
            for (WatchEvent e : events) {
                if (e.revision() <= revision) continue; // already loaded by the initial range
                CacheEvent ce = apply(e);
                history.addLast(ce);
                if (history.size() > historySize) historyStart = history.removeFirst().revision();
                revision = e.revision();
                // Offered under the lock (a non-blocking queue insert), so that a watcher's bookmark
                // revision never runs ahead of an event still on its way to it.
                for (CacheWatcher w : watchers) w.offer(ce);
            }
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private CacheEvent apply(WatchEvent e) {
        String key = e.kv().key();
        ObjectNode previous = objects.get(key);
        if (e.type() == WatchEvent.Type.DELETE) {
            objects.remove(key);
            ObjectNode last = previous != null ? previous.deepCopy()
                    : decoder.apply(e.previous());
            last.withObject("metadata").put("resourceVersion", Long.toString(e.revision()));
            return new CacheEvent("DELETED", last, previous, e.revision());
        }
        ObjectNode current = decoder.apply(e.kv());
        objects.put(key, current);
        return new CacheEvent(previous == null ? "ADDED" : "MODIFIED", current, previous, e.revision());
    }

    @Override
    public void onProgress(long rev) {
        lock.lock();
        try {
            if (rev > revision) {
                revision = rev;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(StorageException error) {
        // The storage watch ended (backend restart, compaction beyond our position): end every client
        // watch so clients re-list, and rebuild from a fresh range.
        for (CacheWatcher w : watchers) w.terminate();
        if (closed) return;
        LOG.warn("Watch cache {}: the storage watch ended ({}); ending {} client watches and reloading", prefix,
                error.getMessage(), watchers.size());
        Thread.ofVirtual().name("watch-cache-reload " + prefix).start(() -> {
            try {
                load(true);
            } catch (RuntimeException e) {
                LOG.warn("Watch cache {}: reload failed; retrying", prefix, e);
                onError(StorageException.unavailable("reload failed", e));
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        if (storageWatch != null) storageWatch.close();
        for (CacheWatcher w : watchers) w.terminate();
    }
}
