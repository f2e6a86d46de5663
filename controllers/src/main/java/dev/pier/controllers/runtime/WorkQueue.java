package dev.pier.controllers.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A keyed work queue with client-go's guarantees: a key waiting to be processed is held once however
 * often it is added; a key is never handed to two workers at once (added while being processed, it is
 * handed out again after {@link #done}); failed keys come back after a per-key exponential back-off.
 *
 * <p>One queue serves a controller across every cell, so its keys carry the cell; delayed adds wait on
 * one virtual thread per queue, not a thread per key or per cell.
 */
public final class WorkQueue<K> implements AutoCloseable {
    private final String name;
    private final Backoff backoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final LinkedHashSet<K> queue = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final Map<K, Long> addedAt = new HashMap<>();
    private final DelayQueue<Delayed> delayed = new DelayQueue<>();
    private final Thread delayer;
    private final QueueListener listener;
    private volatile boolean closed;

    /** Observes a queue's traffic, for its metrics. */
    public interface QueueListener {
        QueueListener NONE = new QueueListener() {
        };

        default void added(String queue) {
        }

        default void depth(String queue, int depth) {
        }

        default void retried(String queue) {
        }

        /** A key left the queue for a worker after waiting {@code waitedNanos}. */
        default void taken(String queue, long waitedNanos) {
        }

        /** A worker finished with a key after {@code workedNanos} (its sync, success or not). */
        default void worked(String queue, long workedNanos) {
        }
    }

    public WorkQueue(String name, Backoff backoff, QueueListener listener) {
        this.name = name;
        this.backoff = backoff;
        this.listener = listener;
        this.delayer = Thread.ofVirtual().name("workqueue-delay-" + name).start(this::releaseDelayed);
    }

    public String name() {
        return name;
    }

    /** Marks a key as needing processing. */
    public void add(K key) {
        lock.lock();
        try {
            if (closed || !dirty.add(key)) return;
            listener.added(name);
            if (processing.contains(key)) return; // handed out again by done()
            queue.add(key);
            addedAt.putIfAbsent(key, System.nanoTime());
            listener.depth(name, queue.size());
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Adds a key once {@code delay} has passed. */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        if (!closed) delayed.put(new DelayedKey<>(key, System.nanoTime() + delay.toNanos()));
    }

    /** Adds a key after its back-off: the key failed once more. */
    public void addRateLimited(K key) {
        int n;
        lock.lock();
        try {
            n = failures.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        listener.retried(name);
        addAfter(key, backoff.delay(n));
    }

    /** Forgets a key's failures: its next failure waits the shortest back-off again. */
    public void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** How many times the key failed in a row. */
    public int failures(K key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a key is ready and hands it to the caller, who must call {@link #done} with it.
     *
     * @return null once the queue is closed
     */
    public K take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) available.await();
            if (closed) return null;
            var it = queue.iterator();
            K key = it.next();
            it.remove();
            processing.add(key);
            dirty.remove(key);
            Long since = addedAt.remove(key);
            listener.depth(name, queue.size());
            if (since != null) listener.taken(name, System.nanoTime() - since);
            return key;
        } finally {
            lock.unlock();
        }
    }

    /** Reports how long a worker spent on a key (for {@code workqueue_work_duration_seconds}). */
    public void worked(long nanos) {
        listener.worked(name, nanos);
    }

    /** Ends the processing of a key; if it was added meanwhile it is queued again. */
    public void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key) && !closed) {
                queue.add(key);
                addedAt.putIfAbsent(key, System.nanoTime());
                listener.depth(name, queue.size());
                available.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting to be handed out (not counting delayed or in-process ones). */
    public int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void releaseDelayed() {
        while (!closed) {
            try {
                Delayed d = delayed.take();
                @SuppressWarnings("unchecked") DelayedKey<K> k = (DelayedKey<K>) d;
                add(k.key);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
        delayer.interrupt();
    }

    private record DelayedKey<K>(K key, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
