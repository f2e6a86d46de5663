package dev.pier.agent.proxy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bursts of requests become one sync, within the minimum period; idle time brings forced resyncs. */
class ProxySyncerTest {

    @Test
    void aBurstIsOneSyncAndTheFirstAndPeriodicOnesAreForced() throws InterruptedException {
        LinkedBlockingQueue<Boolean> syncs = new LinkedBlockingQueue<>();
        try (ProxySyncer syncer = new ProxySyncer("test-sync", force -> { syncs.add(force); return true; }, Duration.ofMillis(200), Duration.ofMillis(1500)).start()) {
            assertThat(syncs.poll(2, TimeUnit.SECONDS)).as("first sync, forced").isTrue();
            Thread.sleep(300); // past the minimum period: the next request runs at once
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) syncer.request();
            assertThat(syncs.poll(2, TimeUnit.SECONDS)).as("one sync for the burst").isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
            // the burst may have straddled the start of that sync: at most one more, never one per request
            Boolean extra = syncs.poll(400, TimeUnit.MILLISECONDS);
            assertThat(syncs.poll(300, TimeUnit.MILLISECONDS)).as("nothing after the burst").isNull();
            assertThat(extra == null || !extra).isTrue();
            assertThat(syncs.poll(2, TimeUnit.SECONDS)).as("periodic resync, forced").isTrue();
        }
    }

    @Test
    void requestsDuringTheMinimumPeriodWaitForIt() throws InterruptedException {
        List<Long> at = new CopyOnWriteArrayList<>();
        try (ProxySyncer syncer = new ProxySyncer("test-sync", force -> at.add(System.nanoTime()), Duration.ofMillis(250), Duration.ofSeconds(30)).start()) {
            while (at.isEmpty()) Thread.sleep(10);
            syncer.request();
            while (at.size() < 2) Thread.sleep(10);
            assertThat((at.get(1) - at.get(0)) / 1_000_000).isGreaterThanOrEqualTo(245);
        }
    }

    @Test
    void aSyncThatCannotRunYetStaysForced() throws InterruptedException {
        LinkedBlockingQueue<Boolean> syncs = new LinkedBlockingQueue<>();
        int[] calls = {0};
        try (ProxySyncer ignored = new ProxySyncer("test-sync", force -> {
            syncs.add(force);
            return ++calls[0] > 2; // informers not listed for the first two
        }, Duration.ofMillis(50), Duration.ofSeconds(30)).start()) {
            for (int i = 0; i < 3; i++) assertThat(syncs.poll(2, TimeUnit.SECONDS)).isTrue();
        }
    }
}
