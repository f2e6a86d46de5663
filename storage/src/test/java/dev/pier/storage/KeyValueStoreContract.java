package dev.pier.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour every {@link KeyValueStore} must show: etcd's semantics as the SPI's javadoc states them.
 * A backend's test extends this and supplies {@link #newStore()}.
 *
 * <p>Every key lives under {@link #root}, unique per test, so that a backend shared between tests
 * (one etcd for a whole class) still starts each test with none of its keys. Revisions are only
 * compared with revisions read in the same test, never with absolute numbers.
 */
public abstract class KeyValueStoreContract {

    /** How long to wait for something asynchronous that should happen. */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** How long to wait for something that should not happen, once the store has shown it is past it. */
    protected static final Duration QUIET = Duration.ofMillis(300);

    protected final String root = "/contract-" + UUID.randomUUID();
    protected KeyValueStore store;

    /** A store to test; closed after each test. Keys outside {@link #root} are never touched. */
    protected abstract KeyValueStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- get, create, update, delete

    @Test
    void createThenGet() {
        long before = store.currentRevision();
        KeyValue created = store.create(k("/a"), bytes("one"));

        assertVersion(created, k("/a"), "one", before + 1, before + 1);
        assertThat(store.currentRevision()).isEqualTo(before + 1);
        assertSameVersion(store.get(k("/a")).orElseThrow(), created);
        assertThat(store.get(k("/missing"))).isEmpty();
    }

    @Test
    void anEmptyValueIsAValue() {
        KeyValue created = store.create(k("/empty"), new byte[0]);
        KeyValue updated = store.update(k("/empty"), created.modRevision(), bytes("x"));

        assertThat(store.range(RangeRequest.prefix(k("/")).atRevision(created.modRevision())).kvs().getFirst().value())
                .isNotNull().isEmpty();
        KeyValue emptied = store.update(k("/empty"), updated.modRevision(), new byte[0]);
        assertThat(store.get(k("/empty")).orElseThrow().value()).isNotNull().isEmpty();
        assertThat(store.delete(k("/empty"), emptied.modRevision()).value()).isNotNull().isEmpty();
    }

    @Test
    void createOfAnExistingKeyFails() {
        store.create(k("/a"), bytes("one"));

        assertCode(() -> store.create(k("/a"), bytes("two")), StorageException.Code.KEY_EXISTS);
        assertThat(text(store.get(k("/a")).orElseThrow().value())).isEqualTo("one");
    }

    @Test
    void createAfterDeleteStartsANewIncarnation() {
        KeyValue first = store.create(k("/a"), bytes("one"));
        store.delete(k("/a"), first.modRevision());

        KeyValue second = store.create(k("/a"), bytes("two"));

        assertThat(second.createRevision()).isEqualTo(second.modRevision()).isGreaterThan(first.createRevision());
    }

    @Test
    void updateWithTheCurrentRevisionReplacesTheValue() {
        KeyValue created = store.create(k("/a"), bytes("one"));

        KeyValue updated = store.update(k("/a"), created.modRevision(), bytes("two"));

        assertVersion(updated, k("/a"), "two", created.createRevision(), created.modRevision() + 1);
        assertSameVersion(store.get(k("/a")).orElseThrow(), updated);
    }

    @Test
    void updateWithAStaleRevisionConflictsAndCarriesTheCurrentVersion() {
        KeyValue created = store.create(k("/a"), bytes("one"));
        KeyValue updated = store.update(k("/a"), created.modRevision(), bytes("two"));

        StorageException e = assertCode(() -> store.update(k("/a"), created.modRevision(), bytes("three")),
                StorageException.Code.CONFLICT);

        assertThat(e.key()).isEqualTo(k("/a"));
        assertSameVersion(e.current(), updated);
        assertSameVersion(store.get(k("/a")).orElseThrow(), updated);
    }

    @Test
    void updateOrDeleteOfAMissingKeyFails() {
        KeyValue gone = store.create(k("/gone"), bytes("x"));
        store.delete(k("/gone"), gone.modRevision());

        assertCode(() -> store.update(k("/never"), 1, bytes("x")), StorageException.Code.KEY_NOT_FOUND);
        assertCode(() -> store.update(k("/never"), 0, bytes("x")), StorageException.Code.KEY_NOT_FOUND);
        assertCode(() -> store.update(k("/gone"), gone.modRevision(), bytes("x")), StorageException.Code.KEY_NOT_FOUND);
        assertCode(() -> store.delete(k("/never"), 1), StorageException.Code.KEY_NOT_FOUND);
        assertCode(() -> store.delete(k("/gone"), gone.modRevision()), StorageException.Code.KEY_NOT_FOUND);
        assertThat(store.get(k("/never"))).isEmpty();
    }

    @Test
    void deleteReturnsTheDeletedVersion() {
        KeyValue created = store.create(k("/a"), bytes("one"));
        KeyValue updated = store.update(k("/a"), created.modRevision(), bytes("two"));

        StorageException stale = assertCode(() -> store.delete(k("/a"), created.modRevision()), StorageException.Code.CONFLICT);
        assertSameVersion(stale.current(), updated);

        KeyValue deleted = store.delete(k("/a"), updated.modRevision());

        assertSameVersion(deleted, updated);
        assertThat(store.currentRevision()).isEqualTo(updated.modRevision() + 1);
        assertThat(store.get(k("/a"))).isEmpty();
    }

    @Test
    void everySuccessfulWriteAdvancesTheRevisionByOne() {
        long r0 = store.currentRevision();

        KeyValue a = store.create(k("/a"), bytes("1"));
        assertThat(a.modRevision()).isEqualTo(r0 + 1);
        KeyValue b = store.create(k("/b"), bytes("1"));
        assertThat(b.modRevision()).isEqualTo(r0 + 2);
        KeyValue a2 = store.update(k("/a"), a.modRevision(), bytes("2"));
        assertThat(a2.modRevision()).isEqualTo(r0 + 3);

        assertCode(() -> store.create(k("/a"), bytes("x")), StorageException.Code.KEY_EXISTS);
        assertCode(() -> store.update(k("/a"), a.modRevision(), bytes("x")), StorageException.Code.CONFLICT);
        assertCode(() -> store.delete(k("/zzz"), 1), StorageException.Code.KEY_NOT_FOUND);
        assertThat(store.currentRevision()).isEqualTo(r0 + 3);

        store.delete(k("/b"), b.modRevision());
        assertThat(store.currentRevision()).isEqualTo(r0 + 4);
    }

    // ---- range

    @Test
    void rangeReturnsTheKeysUnderThePrefixInKeyOrder() {
        for (String key : List.of("/a/b/2", "/a/bc", "/a/b", "/a/b/1", "/a/a", "/a/b/0/deep", "/a/c/1")) {
            store.create(k(key), bytes(key));
        }

        RangeResult result = store.range(RangeRequest.prefix(k("/a/b/")));

        assertThat(keys(result)).containsExactly(k("/a/b/0/deep"), k("/a/b/1"), k("/a/b/2"));
        assertThat(text(result.kvs().get(1).value())).isEqualTo("/a/b/1");
        assertThat(result.more()).isFalse();
        assertThat(result.revision()).isEqualTo(store.currentRevision());
    }

    @Test
    void rangePagesWithLimitAndContinue() {
        for (int i = 0; i < 5; i++) {
            store.create(k("/p/" + i), bytes("v" + i));
        }

        RangeResult first = store.range(RangeRequest.prefix(k("/p/")).withLimit(2));
        assertThat(keys(first)).containsExactly(k("/p/0"), k("/p/1"));
        assertThat(first.more()).isTrue();

        // A key created between pages is not seen by pages read at the first page's revision.
        store.create(k("/p/15"), bytes("late"));

        RangeRequest rest = RangeRequest.prefix(k("/p/")).withLimit(2).atRevision(first.revision());
        RangeResult second = store.range(rest.startingAt(afterKey(first)));
        assertThat(keys(second)).containsExactly(k("/p/2"), k("/p/3"));
        assertThat(second.more()).isTrue();
        assertThat(second.revision()).isEqualTo(first.revision());

        RangeResult third = store.range(rest.startingAt(afterKey(second)));
        assertThat(keys(third)).containsExactly(k("/p/4"));
        assertThat(third.more()).isFalse();

        RangeResult latest = store.range(RangeRequest.prefix(k("/p/")).startingAt(k("/p/1")).withLimit(2));
        assertThat(keys(latest)).containsExactly(k("/p/1"), k("/p/15"));
        assertThat(latest.more()).isTrue();
    }

    @Test
    void rangeAtAnOldRevisionSeesTheStoreAsItWas() {
        KeyValue x1 = store.create(k("/r/x"), bytes("x1"));
        KeyValue x2 = store.update(k("/r/x"), x1.modRevision(), bytes("x2"));
        KeyValue y = store.create(k("/r/y"), bytes("y"));
        store.delete(k("/r/x"), x2.modRevision());

        RangeResult atX1 = store.range(RangeRequest.prefix(k("/r/")).atRevision(x1.modRevision()));
        assertThat(atX1.revision()).isEqualTo(x1.modRevision());
        assertThat(atX1.kvs()).hasSize(1);
        assertSameVersion(atX1.kvs().getFirst(), x1);

        RangeResult atX2 = store.range(RangeRequest.prefix(k("/r/")).atRevision(x2.modRevision()));
        assertThat(keys(atX2)).containsExactly(k("/r/x"));
        assertSameVersion(atX2.kvs().getFirst(), x2);

        RangeResult atY = store.range(RangeRequest.prefix(k("/r/")).atRevision(y.modRevision()));
        assertThat(keys(atY)).containsExactly(k("/r/x"), k("/r/y"));

        assertThat(keys(store.range(RangeRequest.prefix(k("/r/"))))).containsExactly(k("/r/y"));
    }

    @Test
    void rangeAtAFutureRevisionFails() {
        store.create(k("/a"), bytes("1"));

        assertCode(() -> store.range(RangeRequest.prefix(k("/")).atRevision(store.currentRevision() + 10)),
                StorageException.Code.FUTURE_REVISION);
    }

    // ---- watch

    @Test
    void watchFromNowSeesChangesInOrderWithPreviousValues() {
        Recorder recorder = new Recorder();
        try (Watch ignored = store.watch(k("/w/"), 0, recorder)) {
            KeyValue created = store.create(k("/w/a"), bytes("one"));
            KeyValue updated = store.update(k("/w/a"), created.modRevision(), bytes("two"));
            store.delete(k("/w/a"), updated.modRevision());
            long deletedAt = store.currentRevision();

            WatchEvent create = recorder.nextEvent();
            assertThat(create.type()).isEqualTo(WatchEvent.Type.PUT);
            assertThat(create.isCreate()).isTrue();
            assertSameVersion(create.kv(), created);

            WatchEvent update = recorder.nextEvent();
            assertThat(update.type()).isEqualTo(WatchEvent.Type.PUT);
            assertThat(update.isCreate()).isFalse();
            assertSameVersion(update.kv(), updated);
            assertSameVersion(update.previous(), created);

            WatchEvent delete = recorder.nextEvent();
            assertThat(delete.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(delete.kv().key()).isEqualTo(k("/w/a"));
            assertThat(delete.kv().value()).isEmpty();
            assertThat(delete.revision()).isEqualTo(deletedAt);
            assertSameVersion(delete.previous(), updated);
        }
    }

    @Test
    void watchFromAnOldRevisionReplaysHistoryThenGoesLive() {
        KeyValue a1 = store.create(k("/w/a"), bytes("a1"));
        KeyValue a2 = store.update(k("/w/a"), a1.modRevision(), bytes("a2"));
        KeyValue b = store.create(k("/w/b"), bytes("b"));
        store.create(k("/elsewhere"), bytes("x"));
        store.delete(k("/w/a"), a2.modRevision());
        long deletedAt = store.currentRevision();

        Recorder recorder = new Recorder();
        try (Watch ignored = store.watch(k("/w/"), a1.modRevision(), recorder)) {
            WatchEvent first = recorder.nextEvent();
            assertSameVersion(first.kv(), a2);
            assertSameVersion(first.previous(), a1);
            assertSameVersion(recorder.nextEvent().kv(), b);
            WatchEvent delete = recorder.nextEvent();
            assertThat(delete.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(delete.revision()).isEqualTo(deletedAt);
            assertSameVersion(delete.previous(), a2);

            KeyValue c = store.create(k("/w/c"), bytes("c"));
            assertSameVersion(recorder.nextEvent().kv(), c);
            // nothing was delivered twice: the next event is the next write
            KeyValue d = store.create(k("/w/d"), bytes("d"));
            assertSameVersion(recorder.nextEvent().kv(), d);
        }
    }

    @Test
    void watchSeesOnlyItsPrefix() {
        Recorder recorder = new Recorder();
        try (Watch ignored = store.watch(k("/a/b/"), 0, recorder)) {
            store.create(k("/a/bc"), bytes("x"));
            store.create(k("/a/b"), bytes("x"));
            store.create(k("/a/a"), bytes("x"));
            KeyValue inside = store.create(k("/a/b/x"), bytes("x"));

            assertSameVersion(recorder.nextEvent().kv(), inside);
        }
    }

    @Test
    void requestedProgressFollowsTheEventsAndCoversChangesOutsideThePrefix() {
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(k("/w/"), 0, recorder)) {
            long startedAt = store.currentRevision();
            // asked before the backend may even have set the watch up
            watch.requestProgress();
            assertThat(recorder.nextProgress()).isGreaterThanOrEqualTo(startedAt);

            KeyValue inside = store.create(k("/w/a"), bytes("x"));
            assertSameVersion(recorder.nextEvent().kv(), inside);
            KeyValue outside = store.create(k("/other"), bytes("x"));

            watch.requestProgress();
            assertThat(recorder.nextProgress()).isGreaterThanOrEqualTo(outside.modRevision());
        }
    }

    @Test
    void closingAWatchStopsDelivery() {
        Recorder closed = new Recorder();
        Recorder open = new Recorder();
        Watch watch = store.watch(k("/w/"), 0, closed);
        try (Watch ignored = store.watch(k("/w/"), 0, open)) {
            KeyValue before = store.create(k("/w/before"), bytes("x"));
            assertSameVersion(closed.nextEvent().kv(), before);
            assertSameVersion(open.nextEvent().kv(), before);

            watch.close();
            watch.close();
            KeyValue after = store.create(k("/w/after"), bytes("x"));

            assertSameVersion(open.nextEvent().kv(), after);
            closed.assertQuiet();
        }
    }

    // ---- compaction

    @Test
    void compactionForgetsOldRevisionsButKeepsTheCurrentState() {
        KeyValue x1 = store.create(k("/c/x"), bytes("x1"));
        KeyValue x2 = store.update(k("/c/x"), x1.modRevision(), bytes("x2"));
        KeyValue y = store.create(k("/c/y"), bytes("y"));
        store.delete(k("/c/y"), y.modRevision());
        KeyValue z = store.create(k("/c/z"), bytes("z"));
        long compactedAt = z.modRevision();
        KeyValue w = store.create(k("/c/w"), bytes("w"));

        store.compact(compactedAt);

        assertCode(() -> store.range(RangeRequest.prefix(k("/c/")).atRevision(x2.modRevision())),
                StorageException.Code.COMPACTED);
        RangeResult atCompaction = store.range(RangeRequest.prefix(k("/c/")).atRevision(compactedAt));
        assertThat(keys(atCompaction)).containsExactly(k("/c/x"), k("/c/z"));
        assertSameVersion(atCompaction.kvs().getFirst(), x2);
        assertThat(keys(store.range(RangeRequest.prefix(k("/c/"))))).containsExactly(k("/c/w"), k("/c/x"), k("/c/z"));
        assertSameVersion(store.get(k("/c/x")).orElseThrow(), x2);
        assertThat(store.get(k("/c/y"))).isEmpty();

        // compacting what is already compacted is a no-op; compacting the future is not
        store.compact(x1.modRevision());
        store.compact(compactedAt);
        assertCode(() -> store.compact(store.currentRevision() + 10), StorageException.Code.FUTURE_REVISION);

        Recorder fromCompaction = new Recorder();
        try (Watch ignored = store.watch(k("/c/"), compactedAt, fromCompaction)) {
            assertSameVersion(fromCompaction.nextEvent().kv(), w);
        }
    }

    @Test
    void watchFromACompactedRevisionOnlyReportsCompacted() {
        KeyValue a = store.create(k("/c/a"), bytes("1"));
        KeyValue a2 = store.update(k("/c/a"), a.modRevision(), bytes("2"));
        store.update(k("/c/a"), a2.modRevision(), bytes("3"));
        store.compact(store.currentRevision());

        Recorder recorder = new Recorder();
        try (Watch ignored = store.watch(k("/c/"), a.modRevision(), recorder)) {
            Object signal = recorder.next();
            assertThat(signal).isInstanceOf(StorageException.class);
            assertThat(((StorageException) signal).code()).isEqualTo(StorageException.Code.COMPACTED);
            store.create(k("/c/b"), bytes("x"));
            recorder.assertQuiet();
        }
    }

    // ---- concurrency

    @Test
    void concurrentGuardedIncrementsLoseNoUpdate() throws Exception {
        int writers = 8;
        int increments = 50;
        KeyValue counter = store.create(k("/counter"), bytes("0"));

        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                done.add(threads.submit(() -> {
                    for (int n = 0; n < increments; n++) {
                        increment(k("/counter"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
            }
        }

        KeyValue last = store.get(k("/counter")).orElseThrow();
        assertThat(text(last.value())).isEqualTo(String.valueOf(writers * increments));
        assertThat(last.modRevision()).isEqualTo(counter.modRevision() + writers * increments);
        assertThat(store.currentRevision()).isEqualTo(last.modRevision());
    }

    private void increment(String key) {
        KeyValue current = store.get(key).orElseThrow();
        while (true) {
            long next = Long.parseLong(text(current.value())) + 1;
            try {
                store.update(key, current.modRevision(), bytes(String.valueOf(next)));
                return;
            } catch (StorageException e) {
                assertThat(e.code()).isEqualTo(StorageException.Code.CONFLICT);
                current = e.current() != null ? e.current() : store.get(key).orElseThrow();
            }
        }
    }

    // ---- helpers

    /** A key under this test's root. */
    protected String k(String path) {
        return root + path;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    protected static List<String> keys(RangeResult result) {
        return result.kvs().stream().map(KeyValue::key).toList();
    }

    /** The startKey that continues after the last key of a page. */
    protected static String afterKey(RangeResult page) {
        return page.kvs().getLast().key() + "\0";
    }

    protected static void assertVersion(KeyValue kv, String key, String value, long createRevision, long modRevision) {
        assertThat(kv.key()).isEqualTo(key);
        assertThat(text(kv.value())).isEqualTo(value);
        assertThat(kv.createRevision()).as("createRevision").isEqualTo(createRevision);
        assertThat(kv.modRevision()).as("modRevision").isEqualTo(modRevision);
    }

    protected static void assertSameVersion(KeyValue actual, KeyValue expected) {
        assertThat(actual).as("version").isNotNull();
        assertVersion(actual, expected.key(), text(expected.value()), expected.createRevision(), expected.modRevision());
    }

    protected static StorageException assertCode(Runnable call, StorageException.Code code) {
        try {
            call.run();
        } catch (StorageException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            return e;
        }
        return fail("expected a StorageException " + code);
    }

    /** Records what a watch delivers, in order, and checks the listener contract on the way. */
    public static final class Recorder implements WatchListener {
        private record Progress(long revision) {
        }

        public Recorder() {
        }

        private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
        private long lastRevision;
        private boolean ended;

        @Override
        public void onEvents(List<WatchEvent> events) {
            if (events.isEmpty() || ended) {
                signals.add(new AssertionError("empty batch or events after onError: " + events));
            }
            for (WatchEvent e : events) {
                if (e.revision() <= lastRevision) {
                    signals.add(new AssertionError("revision " + e.revision() + " after " + lastRevision));
                }
                lastRevision = e.revision();
                signals.add(e);
            }
        }

        @Override
        public void onError(StorageException error) {
            ended = true;
            signals.add(error);
        }

        @Override
        public void onProgress(long revision) {
            signals.add(new Progress(revision));
        }

        /** The next event or error, skipping unasked progress reports. */
        public Object next() {
            try {
                while (true) {
                    Object signal = signals.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (signal == null) {
                        return fail("nothing delivered within " + WAIT);
                    }
                    if (signal instanceof AssertionError e) {
                        throw e;
                    }
                    if (!(signal instanceof Progress)) {
                        return signal;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }

        public WatchEvent nextEvent() {
            Object signal = next();
            assertThat(signal).as("next signal").isInstanceOf(WatchEvent.class);
            return (WatchEvent) signal;
        }

        /** The next progress report; an event on the way is a failure, since progress was asked after it. */
        public long nextProgress() {
            try {
                Object signal = signals.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(signal).as("progress within " + WAIT).isInstanceOf(Progress.class);
                return ((Progress) signal).revision();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }

        /** Nothing but progress arrives for a short while; only called once the store has shown it is past the point. */
        public void assertQuiet() {
            try {
                long deadline = System.nanoTime() + QUIET.toNanos();
                long left;
                while ((left = deadline - System.nanoTime()) > 0) {
                    Object signal = signals.poll(left, TimeUnit.NANOSECONDS);
                    if (signal != null && !(signal instanceof Progress)) {
                        fail("unexpected delivery: " + signal);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
