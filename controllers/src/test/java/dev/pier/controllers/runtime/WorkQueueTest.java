package dev.pier.controllers.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class WorkQueueTest {
    private final WorkQueue<String> queue = new WorkQueue<>("test", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);

    @Test
    void aKeyWaitingIsHeldOnce() throws Exception {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        assertThat(queue.depth()).isEqualTo(2);
        assertThat(queue.take()).isEqualTo("a");
        assertThat(queue.take()).isEqualTo("b");
        assertThat(queue.depth()).isZero();
    }

    @Test
    void aKeyAddedWhileProcessingComesBackOnlyAfterDone() throws Exception {
        queue.add("a");
        String taken = queue.take();
        queue.add("a");
        assertThat(queue.depth()).as("not handed to a second worker while the first holds it").isZero();
        queue.done(taken);
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.take()).isEqualTo("a");
    }

    @Test
    void noKeyIsProcessedByTwoWorkersAtOnce() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger processed = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        String k = queue.take();
                        if (k == null) return;
                        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        Thread.yield();
                        inFlight.decrementAndGet();
                        processed.incrementAndGet();
                        queue.done(k);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        // each add either queues the key or marks it dirty for after the worker holding it is done
        for (int i = 0; i < 200; i++) {
            queue.add("same");
            Thread.yield();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((processed.get() == 0 || queue.depth() > 0 || inFlight.get() > 0) && System.nanoTime() < deadline) Thread.onSpinWait();
        queue.close();
        for (Thread t : workers) t.join(5_000);
        assertThat(processed.get()).isPositive();
        assertThat(maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void failuresBackOffExponentiallyUntilForgotten() throws Exception {
        queue.addRateLimited("k");
        assertThat(queue.failures("k")).isEqualTo(1);
        assertThat(queue.take()).as("released after its back-off").isEqualTo("k");
        queue.done("k");
        queue.addRateLimited("k");
        assertThat(queue.failures("k")).isEqualTo(2);
        queue.forget("k");
        assertThat(queue.failures("k")).isZero();
        assertThat(Backoff.DEFAULT.delay(1)).isEqualTo(Duration.ofMillis(5));
        assertThat(Backoff.DEFAULT.delay(3)).isEqualTo(Duration.ofMillis(20));
        assertThat(Backoff.DEFAULT.delay(40)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void delayedAddsArriveInDueOrder() throws Exception {
        queue.addAfter("late", Duration.ofMillis(300));
        queue.addAfter("early", Duration.ofMillis(20));
        assertThat(queue.take()).isEqualTo("early");
        assertThat(queue.take()).isEqualTo("late");
    }

    @Test
    void closingReleasesWaitingWorkers() throws Exception {
        CountDownLatch returned = new CountDownLatch(1);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                if (queue.take() == null) returned.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.close();
        assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
        t.join();
    }
}
