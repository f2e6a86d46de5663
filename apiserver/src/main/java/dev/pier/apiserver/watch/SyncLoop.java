package dev.pier.apiserver.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a cell's level-based sync on a virtual thread whenever a watched resource changes, and again
 * after a retry interval while the sync reports unfinished work or fails. The watch is re-opened if the
 * cache ends it. The shape of Kubernetes' controllers, for the API server's own in-process ones.
 */
public final class SyncLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final long IDLE_MILLIS = TimeUnit.SECONDS.toMillis(60);

    /** One pass. @return true when nothing is left to retry */
    @FunctionalInterface
    public interface Sync {
        boolean run(List<CacheEvent> changes);
    }

    private final String name;
    private final Supplier<CacheWatcher> watch;
    private final long retryMillis;
    private final Sync sync;
    private final Thread thread;
    private volatile boolean closed;
    private volatile CacheWatcher watcher;

    private SyncLoop(String name, Supplier<CacheWatcher> watch, Duration retry, Sync sync) {
        this.name = name;
        this.watch = watch;
        this.retryMillis = retry.toMillis();
        this.sync = sync;
        this.watcher = watch.get();
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /**
     * @param watch opens the watch that feeds the loop (called again if the cache ends it)
     */
    public static SyncLoop start(String name, Supplier<CacheWatcher> watch, Duration retry, Sync sync) {
        SyncLoop loop = new SyncLoop(name, watch, retry, sync);
        loop.thread.start();
        return loop;
    }

    private void run() {
        boolean pending = false;
        while (!closed) {
            try {
                List<CacheEvent> changes = new ArrayList<>();
                boolean ended = false;
                CacheEvent e = watcher.next(pending ? retryMillis : IDLE_MILLIS, TimeUnit.MILLISECONDS);
                while (e != null) { // take the whole burst, then do one pass
                    if (CacheWatcher.isEnd(e)) {
                        ended = true;
                        break;
                    }
                    changes.add(e);
                    e = watcher.next(0, TimeUnit.MILLISECONDS);
                }
                if (ended) {
                    if (closed) return;
                    watcher = watch.get();
                }
                if (changes.isEmpty() && !pending && !ended) continue;
                pending = !sync.run(changes);
            } catch (InterruptedException ie) {
                return;
            } catch (RuntimeException ex) {
                pending = true;
                LOG.warn("{} failed; will retry", name, ex);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watcher.close();
        thread.interrupt();
    }
}
