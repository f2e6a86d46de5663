package dev.pier.controllers.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Writes many objects at once without flooding the API with doomed requests (Kubernetes' slowStartBatch):
 * batches of 1, 2, 4, ... run in parallel on virtual threads, and the first batch with a failure ends the
 * run, so a quota or a webhook that refuses every pod costs one request rather than hundreds. Threads
 * started here inherit the caller's write mark, so the worker still waits for its own writes.
 */
public final class SlowStart {
    private SlowStart() {
    }

    /** @return the first failure, or null when every action succeeded */
    public static <T> RuntimeException run(List<T> items, Consumer<T> action) {
        int next = 0;
        int batch = 1;
        while (next < items.size()) {
            int size = Math.min(batch, items.size() - next);
            RuntimeException failed = all(items.subList(next, next + size), action);
            if (failed != null) return failed;
            next += size;
            batch *= 2;
        }
        return null;
    }

    /** Runs every action in parallel; @return the first failure, or null */
    public static <T> RuntimeException all(List<T> items, Consumer<T> action) {
        if (items.size() == 1) {
            try {
                action.accept(items.getFirst());
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(items.size());
        for (T item : items) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    action.accept(item);
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new IllegalStateException("interrupted while writing", e);
            }
        }
        return failed.get();
    }
}
