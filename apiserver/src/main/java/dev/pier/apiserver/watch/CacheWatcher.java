package dev.pier.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client's watch on a {@link WatchCache}: a bounded queue of the events that pass its filter.
 * The cache offers; the client's request thread takes and writes. A full queue ends the watcher.
 */
public final class CacheWatcher implements AutoCloseable {

    /** Which objects a watcher wants (namespace, label and field selectors). */
    @FunctionalInterface
    public interface Filter {
        boolean matches(ObjectNode object);
    }

    /** Marks the end of the stream in the queue. */
    private static final CacheEvent END = new CacheEvent("END", null, null, 0);

    private final WatchCache cache;
    private final Filter filter;
    private final BlockingQueue<CacheEvent> queue;
    private volatile boolean ended;
    private volatile long lastRevision;

    CacheWatcher(WatchCache cache, Filter filter, int capacity, long startRevision) {
        this.cache = cache;
        this.filter = filter;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.lastRevision = startRevision;
    }

    /**
     * Filters and enqueues one change. An object that stops matching is delivered as DELETED, one that
     * starts matching as ADDED, as Kubernetes does for selector watches.
     */
    void offer(CacheEvent e) {
        if (ended) return;
        boolean now = filter.matches(e.object());
        boolean before = e.previous() != null && filter.matches(e.previous());
        CacheEvent out;
        switch (e.type()) {
            case "MODIFIED" -> {
                if (now && before) out = e;
                else if (now) out = new CacheEvent("ADDED", e.object(), null, e.revision());
                else if (before) out = new CacheEvent("DELETED", e.object(), e.previous(), e.revision());
                else out = null;
            }
            case "DELETED" -> out = now || before ? e : null;
            default -> out = now ? e : null;
        }
        if (out == null) return;
        if (!queue.offer(out)) terminate();
    }

    /**
     * The next event, or null if none arrived within the timeout.
     *
     * @return {@link #isEnd(CacheEvent)} when the watcher was ended
     */
    public CacheEvent next(long timeout, TimeUnit unit) throws InterruptedException {
        CacheEvent e = queue.poll(timeout, unit);
        if (e != null && e != END) lastRevision = e.revision();
        return e;
    }

    public static boolean isEnd(CacheEvent e) {
        return e == END;
    }

    /** The cache's revision: a watcher that got every event up to it may report it as a bookmark. */
    public long bookmarkRevision() {
        long cached = cache.revision(); // read first: events up to it are already queued
        return queue.isEmpty() ? Math.max(lastRevision, cached) : lastRevision;
    }

    /** Ends the stream: the reader sees the end marker after what is queued (or at once if the queue is full). */
    void terminate() {
        if (ended) return;
        ended = true;
        cache.remove(this);
        if (!queue.offer(END)) {
            queue.clear();
            queue.offer(END);
        }
    }

    @Override
    public void close() {
        ended = true;
        cache.remove(this);
    }
}
