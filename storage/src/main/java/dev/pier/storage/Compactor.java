package dev.pier.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Forgets old history periodically, as kube-apiserver does: at every tick it compacts the store at the
 * revision it saw one tick earlier, so that history is kept for at least one interval (watches and
 * paginated lists that resume within it still work) and storage does not grow without bound.
 * Several servers sharing a store may each run one; compacting at an older revision does nothing.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final KeyValueStore store;
    private final ScheduledExecutorService timer;
    private long previous;
    private long compacted;

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
            if (previous > 0 && previous != compacted) {
                long started = System.nanoTime();
                store.compact(previous);
                compacted = previous;
                LOG.info("Compacted storage history through revision {} (current revision {}) in {} ms", previous, now,
                        (System.nanoTime() - started) / 1_000_000);
            }
            previous = now;
        } catch (RuntimeException e) {
            LOG.warn("Compaction failed; will retry at the next interval", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
