package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.StoredObjects;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Feeds every informer of the server from one storage watch on {@code /registry/}: keys are
 * {@code /registry/<cell>/<group>/<resource>/...}, so one watch sees every cell, and the hub splits its
 * events by resource in process (kcp's wildcard informers, without a watch per cell per resource).
 * It starts with one paged list of the prefix at a revision and watches from there; if that revision is
 * compacted away meanwhile it lists again and tells handlers only what changed.
 *
 * <p>The hub also knows the revision through which it has delivered, so that a controller that just wrote
 * can wait until its informers have seen its own write ({@link #awaitCurrent}).
 */
public final class InformerHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InformerHub.class);
    private static final String PREFIX = "/registry/";
    private static final int PAGE = 1_000;

    private final KeyValueStore kv;
    /** "<storage group>/<resource>" → informer. */
    private final Map<String, Informer> informers = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile long delivered;
    private volatile Watch watch;
    private volatile boolean closed;

    public InformerHub(KeyValueStore kv) {
        this.kv = kv;
    }

    /** The informer of a resource, made on first request; register every informer before {@link #start}. */
    public Informer informer(ResourceType type) {
        return informers.computeIfAbsent(type.storageGroup() + "/" + type.resource(), k -> new Informer(type));
    }

    /** Lists and starts watching; returns once every informer holds the listed state. */
    public void start() {
        long revision = list();
        watchFrom(revision);
    }

    /** Revision through which every change has been delivered to the informers. */
    public long deliveredRevision() {
        return delivered;
    }

    /**
     * Waits until the informers have seen every change up to the store's current revision (at most
     * {@code timeout}). Used after a controller's writes, so its next sync reads what it wrote.
     *
     * @return false on timeout
     */
    public boolean awaitCurrent(Duration timeout) throws InterruptedException {
        long target = kv.currentRevision();
        if (delivered >= target) return true;
        Watch w = watch;
        if (w != null) w.requestProgress(); // the store's revision may have moved outside our prefix
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (delivered < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) return false;
                advanced.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                if (delivered < target && w != null) w.requestProgress();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private long list() {
        long revision = 0;
        String start = null;
        Map<Informer, Set<ObjectKey>> seen = new HashMap<>();
        int count = 0;
        while (true) {
            RangeResult page = kv.range(new RangeRequest(PREFIX, start, PAGE, revision));
            revision = page.revision();
            for (KeyValue k : page.kvs()) {
                Located at = locate(k.key());
                if (at == null) continue;
                at.apply(k);
                seen.computeIfAbsent(at.informer, i -> new HashSet<>()).add(at.key);
                count++;
            }
            if (!page.more() || page.kvs().isEmpty()) break;
            start = page.kvs().getLast().key() + "\0";
        }
        // after a re-list: what the informers hold but storage no longer has was deleted meanwhile
        for (Informer informer : informers.values()) {
            Set<ObjectKey> kept = seen.getOrDefault(informer, Set.of());
            for (ObjectKey k : informer.keys()) {
                if (!kept.contains(k)) informer.remove(k.cell(), k.namespace(), k.name());
            }
        }
        advance(revision);
        LOG.info("informers listed {} objects of {} resources at revision {}", count, informers.size(), revision);
        return revision;
    }

    private void watchFrom(long revision) {
        if (closed) return;
        watch = kv.watch(PREFIX, revision, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                for (WatchEvent e : events) {
                    Located at = locate(e.kv().key());
                    if (at != null) at.apply(e.type() == WatchEvent.Type.DELETE ? null : e.kv());
                }
                advance(events.getLast().revision());
            }

            @Override
            public void onError(StorageException error) {
                if (closed) return;
                LOG.warn("informer watch ended ({}); listing again", error.getMessage());
                Thread.ofVirtual().name("informer-relist").start(() -> {
                    try {
                        watchFrom(list());
                    } catch (RuntimeException e) {
                        LOG.error("informer re-list failed; informers are stale until restart", e);
                    }
                });
            }

            @Override
            public void onProgress(long rev) {
                advance(rev);
            }
        });
    }

    /** Which informer holds a storage key, and under which key; null when no informer wants it. */
    private Located locate(String storageKey) {
        // /registry/<cell>/<group>/<resource>/[<namespace>/]<name>
        String[] parts = storageKey.split("/");
        if (parts.length < 6) return null;
        Informer informer = informers.get(parts[3] + "/" + parts[4]);
        if (informer == null) return null;
        boolean namespaced = informer.type().namespaced();
        if (parts.length != (namespaced ? 7 : 6)) return null;
        return new Located(informer, new ObjectKey(parts[2], namespaced ? parts[5] : "", parts[parts.length - 1]), storageKey);
    }

    private record Located(Informer informer, ObjectKey key, String storageKey) {
        /** @param value the stored version; null for a delete */
        void apply(KeyValue value) {
            if (value == null) {
                informer.remove(key.cell(), key.namespace(), key.name());
                return;
            }
            ObjectNode object;
            try {
                object = StoredObjects.decoder(informer.type()).apply(value);
            } catch (RuntimeException e) {
                LOG.warn("cannot decode {}: {}", storageKey, e.getMessage());
                return;
            }
            informer.put(key.cell(), key.namespace(), key.name(), object);
        }
    }

    private void advance(long revision) {
        if (revision <= delivered) return;
        lock.lock();
        try {
            if (revision > delivered) delivered = revision;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) w.close();
        lock.lock();
        try {
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
