package dev.pier.storage.sqlite;

import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fans committed writes out to the open watches, and owns the store's published revision. Only this
 * JVM writes the log, so the committer announces each commit itself; no polling of the table is needed.
 *
 * <p>Watches are indexed by prefix ({@link PrefixIndex}): publishing a change costs a lookup on its key
 * plus one non-blocking queue insert per watch that wants it, whatever the number of watches on other
 * prefixes. Listeners run on each watch's own thread, never here.
 *
 * <p>{@link #register} and {@link #publish} take one short lock, which holds no SQL and no fsync. That
 * gives every watch the commits after its registration, in revision order, live, and the history up to
 * it from the log, with no gap and no overlap. A change is queued to its watches before the revision
 * moves to it, which is what makes progress reports exact (see {@link SqliteWatch#requestProgress}).
 */
final class WatchDispatcher {

    /** Reads the changes under a prefix with after < revision <= through from the log; may fail with COMPACTED. */
    @FunctionalInterface
    interface HistoryReader {
        List<WatchEvent> read(String prefix, long after, long through);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PrefixIndex<SqliteWatch> watches = new PrefixIndex<>(); // guarded by lock
    private final HistoryReader history;
    private volatile long revision;

    WatchDispatcher(long revision, HistoryReader history) {
        this.revision = revision;
        this.history = history;
    }

    /** The newest revision handed to the watches: the store's current revision. */
    long revision() {
        return revision;
    }

    /**
     * Starts a watch of {@code prefix} after {@code afterRevision} (0: from now). Changes up to the current
     * revision are read from the log on the watch's own thread, later ones arrive live.
     */
    Watch register(String prefix, long afterRevision, WatchListener listener) {
        final SqliteWatch watch;
        final long registeredAt;
        final long after;
        lock.lock();
        try {
            registeredAt = revision;
            after = afterRevision == 0 ? registeredAt : afterRevision;
            watch = new SqliteWatch(prefix, after, this::revision, listener, this::remove);
            watches.add(prefix, watch);
        } finally {
            lock.unlock();
        }
        // The log holds every change through registeredAt, since a change is committed before it is
        // published; reading it here, outside the lock, keeps SQL off the publishing path.
        watch.start(after >= registeredAt ? List::of : () -> history.read(prefix, after, registeredAt));
        return watch;
    }

    /** A watch that only reports the error, as the SPI asks for a compacted start revision. */
    Watch failed(WatchListener listener, StorageException error) {
        SqliteWatch watch = new SqliteWatch("", Long.MAX_VALUE, this::revision, listener, w -> { });
        watch.start(() -> {
            throw error;
        });
        return watch;
    }

    /** Queues committed changes, in revision order, to the watches of their keys, then moves the revision to the last. */
    void publish(List<WatchEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (WatchEvent event : events) {
                watches.forEachPrefixOf(event.kv().key(), watch -> watch.offer(event));
            }
            revision = events.getLast().revision();
        } finally {
            lock.unlock();
        }
    }

    /** How many watches are open; for tests and diagnostics. */
    int size() {
        lock.lock();
        try {
            return watches.size();
        } finally {
            lock.unlock();
        }
    }

    private void remove(SqliteWatch watch) {
        lock.lock();
        try {
            watches.remove(watch.prefix(), watch);
        } finally {
            lock.unlock();
        }
    }

    void closeAll() {
        List<SqliteWatch> open = new ArrayList<>();
        lock.lock();
        try {
            watches.forEach(open::add);
        } finally {
            lock.unlock();
        }
        open.forEach(SqliteWatch::close);
    }
}
