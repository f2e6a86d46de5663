package dev.pier.storage.sqlite;

import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Fans committed writes out to the open watches. Only this JVM writes the log, so the writer
 * can announce each commit itself; no polling of the table is needed.
 *
 * <p>{@link #register} and {@link #publish} are called under the store's write lock. That gives
 * every watch the commits after its registration in revision order, and the history before it
 * from the log, with no gap and no overlap. A change is published before the store's revision
 * moves to it, which is what makes progress reports exact (see {@link SqliteWatch#requestProgress}).
 */
final class WatchDispatcher {

    private final Set<SqliteWatch> watches = ConcurrentHashMap.newKeySet();
    private final LongSupplier currentRevision;

    WatchDispatcher(LongSupplier currentRevision) {
        this.currentRevision = currentRevision;
    }

    Watch register(String prefix, long afterRevision, WatchListener listener, SqliteWatch.History history) {
        SqliteWatch watch = new SqliteWatch(prefix, afterRevision, currentRevision, listener, watches::remove);
        watches.add(watch);
        watch.start(history);
        return watch;
    }

    /** A watch that only reports the error, as the SPI asks for a compacted start revision. */
    Watch failed(WatchListener listener, StorageException error) {
        SqliteWatch watch = new SqliteWatch("", Long.MAX_VALUE, currentRevision, listener, w -> { });
        watch.start(() -> {
            throw error;
        });
        return watch;
    }

    void publish(WatchEvent event) {
        for (SqliteWatch watch : watches) {
            watch.offer(event);
        }
    }

    void closeAll() {
        for (SqliteWatch watch : watches) {
            watch.close();
        }
    }
}
