package dev.pier.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Forgets old history periodically, as kube-apiserver does: at every tick it compacts the store at the
 * revision it saw one tick earlier, so that history is kept for at least one interval (watches and
 * paginated lists that resume within it still work) and storage does not grow without bound.
 * Several servers sharing a store may each run one; compacting at an older revision does nothing.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Compactor.class.getName());

    private final KeyValueStore store;
    private final ScheduledExecutorService timer;
    private long previous;

    private Compactor(KeyValueStore store, Duration interval) {
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("compactor").factory());
        this.previous = store.currentRevision();
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Starts compacting {@code store} every {@code interval}. */
    public static Compactor start(KeyValueStore store, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive but was " + interval);
        return new Compactor(store, interval);
    }

    private void tick() {
        try {
            long now = store.currentRevision();
            if (previous > 0) store.compact(previous);
            previous = now;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "compaction failed; will retry at the next interval", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
