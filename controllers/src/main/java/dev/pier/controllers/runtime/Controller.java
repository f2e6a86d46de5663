package dev.pier.controllers.runtime;

import dev.pier.apiserver.client.WriteTracker;
import dev.pier.apiserver.errors.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one controller for every cell: a work queue of keys and a few workers that all do the same
 * thing (take a key, sync it, forget it on success, requeue it with back-off on error, then mark it
 * done). A key failing in one cell retries alone; other keys, and other cells, go on.
 */
public final class Controller<K> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    /** How long a worker waits for the informers to see its own writes before it lets the key go. */
    private static final Duration CATCH_UP = Duration.ofSeconds(5);

    private final String name;
    private final WorkQueue<K> queue;
    private final Reconciler<K> reconciler;
    private final InformerHub hub;
    private final int workers;
    private final boolean readYourWrites;
    private final List<Thread> threads = new ArrayList<>();

    public Controller(String name, WorkQueue<K> queue, Reconciler<K> reconciler, InformerHub hub, int workers) {
        this(name, queue, reconciler, hub, workers, true);
    }

    /**
     * @param readYourWrites whether a worker that wrote waits for the informers to see its writes before it
     *                       lets the key go; a controller that keeps its own record of what it did (the
     *                       scheduler's assumed pods) may skip the wait
     */
    public Controller(String name, WorkQueue<K> queue, Reconciler<K> reconciler, InformerHub hub, int workers, boolean readYourWrites) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        this.name = name;
        this.queue = queue;
        this.reconciler = reconciler;
        this.hub = hub;
        this.workers = workers;
        this.readYourWrites = readYourWrites;
    }

    public String name() {
        return name;
    }

    public WorkQueue<K> queue() {
        return queue;
    }

    public Controller<K> start() {
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name(name + "-worker-" + i).start(this::work));
        }
        LOG.info("controller {} started with {} workers", name, workers);
        return this;
    }

    private void work() {
        while (true) {
            K key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) return;
            long started = System.nanoTime();
            try {
                processOne(key);
            } finally {
                queue.worked(System.nanoTime() - started);
                queue.done(key);
            }
        }
    }

    private void processOne(K key) {
        WriteTracker.takeWrote();
        try {
            Result result = reconciler.sync(key);
            queue.forget(key);
            if (result.requeueAfter() != null) queue.addAfter(key, result.requeueAfter());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ApiException e) {
            // Conflicts are the normal price of optimistic concurrency: retry soon, quietly.
            if (e.code() == 409) LOG.debug("{} {}: {}; retrying", name, key, e.getMessage());
            else LOG.warn("{} failed to sync {}: {}; retrying", name, key, e.getMessage());
            queue.addRateLimited(key);
        } catch (Exception e) {
            LOG.warn("{} failed to sync {}; retrying", name, key, e);
            queue.addRateLimited(key);
        }
        if (WriteTracker.takeWrote() && readYourWrites) {
            try {
                if (!hub.awaitCurrent(CATCH_UP)) LOG.debug("{}: informers did not catch up with {} in {}", name, key, CATCH_UP);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        queue.close();
        threads.forEach(Thread::interrupt);
    }
}
