package dev.pier.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a bounded number of operations from a fixed number of concurrent clients (virtual threads),
 * each client taking the next operation index until all are taken or the time limit passes.
 */
final class Load {

    /** One operation; returns an HTTP status (2xx counts as success). */
    @FunctionalInterface
    interface Op {
        int run(int index, Tally tally) throws Exception;
    }

    /** What went wrong besides the successes: final statuses, 409 retries, exceptions. */
    static final class Tally {
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder conflicts = new LongAdder();
        final LongAdder exceptions = new LongAdder();
        final AtomicReference<String> firstError = new AtomicReference<>();

        void status(int code) {
            statuses.computeIfAbsent(code, c -> new LongAdder()).increment();
        }

        void error(String what) {
            firstError.compareAndSet(null, what);
        }

        long failures() {
            return statuses.values().stream().mapToLong(LongAdder::sum).sum() + exceptions.sum();
        }

        /** e.g. {@code "500x3 409x1 exc x2"}; empty when nothing failed. */
        String describe() {
            StringBuilder sb = new StringBuilder();
            new TreeMap<>(statuses).forEach((code, n) -> sb.append(sb.isEmpty() ? "" : " ").append(code).append('x').append(n.sum()));
            if (exceptions.sum() > 0) sb.append(sb.isEmpty() ? "" : " ").append("exceptions x").append(exceptions.sum());
            return sb.toString();
        }
    }

    record Result(int clients, int requested, int ok, long elapsedNanos, Stats latency, Tally tally, boolean timedOut) {
        double opsPerSecond() {
            return Stats.perSecond(ok, elapsedNanos);
        }
    }

    private Load() {
    }

    static Result run(int clients, int ops, Duration limit, Op op) throws InterruptedException {
        long[] latencies = new long[ops];
        boolean[] succeeded = new boolean[ops];
        AtomicInteger next = new AtomicInteger();
        Tally tally = new Tally();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        boolean[] timedOut = {false};
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < clients; w++) {
                pool.submit(() -> {
                    while (true) {
                        if (System.nanoTime() > deadline) {
                            timedOut[0] = true;
                            return;
                        }
                        int i = next.getAndIncrement();
                        if (i >= ops) return;
                        long t0 = System.nanoTime();
                        try {
                            int status = op.run(i, tally);
                            long t1 = System.nanoTime();
                            if (status >= 200 && status < 300) {
                                latencies[i] = t1 - t0;
                                succeeded[i] = true;
                            } else {
                                tally.status(status);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            tally.exceptions.increment();
                            tally.error(e.toString());
                        }
                    }
                });
            }
            pool.shutdown();
            // Workers stop taking work at the deadline; a request in flight ends by its own timeout.
            if (!pool.awaitTermination(limit.toNanos() + TimeUnit.SECONDS.toNanos(90), TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
                timedOut[0] = true;
            }
        }
        long elapsed = System.nanoTime() - start;
        long[] ok = new long[ops];
        int n = 0;
        for (int i = 0; i < ops; i++) {
            if (succeeded[i]) ok[n++] = latencies[i];
        }
        return new Result(clients, ops, n, elapsed, Stats.of(ok, n), tally, timedOut[0]);
    }
}
