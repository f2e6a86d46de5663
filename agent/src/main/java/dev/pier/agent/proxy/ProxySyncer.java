package dev.pier.agent.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a sync on its own thread when asked, at most once per {@code minPeriod}: requests arriving while a
 * sync waits or runs are one more sync, not one each (kube-proxy's BoundedFrequencyRunner). A burst of
 * EndpointSlice changes thus costs one iptables-restore right away and at most one more after
 * {@code minPeriod}. Every {@code period} a forced sync runs even without requests, to repair rules
 * someone else changed. A failed sync is retried after {@code minPeriod}.
 */
final class ProxySyncer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxySyncer.class);

    /** One sync; {@code force} when it must write even if nothing changed. */
    @FunctionalInterface
    interface Sync {
        /** @return false when it could not sync yet (informers not listed): it is asked again, still forced */
        boolean run(boolean force) throws Exception;
    }

    private final Sync sync;
    private final long minPeriodNanos;
    private final long periodNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private boolean pending;
    private boolean closed;

    ProxySyncer(String name, Sync sync, Duration minPeriod, Duration period) {
        this.sync = sync;
        this.minPeriodNanos = minPeriod.toNanos();
        this.periodNanos = period.toNanos();
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
    }

    ProxySyncer start() {
        thread.start();
        return this;
    }

    /** Asks for a sync; returns at once. */
    void request() {
        lock.lock();
        try {
            pending = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long lastStart = System.nanoTime() - minPeriodNanos;
        boolean force = true; // the first sync writes whatever the kernel has
        while (true) {
            lock.lock();
            try {
                long resyncAt = lastStart + periodNanos;
                while (!closed && !pending && !force && System.nanoTime() - resyncAt < 0) {
                    changed.awaitNanos(resyncAt - System.nanoTime());
                }
                if (!pending && !closed) force = true; // the period ran out
                long earliest = lastStart + minPeriodNanos;
                while (!closed && System.nanoTime() - earliest < 0) changed.awaitNanos(earliest - System.nanoTime());
                if (closed) return;
                pending = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            lastStart = System.nanoTime();
            try {
                if (sync.run(force)) force = false;
                else request();
            } catch (Exception e) {
                LOG.warn("service proxy sync failed; retrying in {} ms", TimeUnit.NANOSECONDS.toMillis(minPeriodNanos), e);
                request();
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
