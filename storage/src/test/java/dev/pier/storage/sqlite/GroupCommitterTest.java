package dev.pier.storage.sqlite;

import dev.pier.storage.KeyValue;
import dev.pier.storage.StorageException;
import dev.pier.storage.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Group commit on a real SQLite file. Each test holds the commit thread in an exclusive task while it
 * queues writes in a known order, so that they are certain to form one group when it lets go.
 */
class GroupCommitterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Connection reader;
    private GroupCommitter committer;
    private final List<List<WatchEvent>> published = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        Connection writer = config.createConnection("jdbc:sqlite:" + dir.resolve("log.db"));
        SqliteDialect.createSchema(writer);
        committer = new GroupCommitter(writer, 0, published::add);
        // checks read what is committed, as the store's readers do, never through the commit thread's connection
        reader = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("log.db"));
    }

    @AfterEach
    void close() throws SQLException {
        threads.shutdownNow();
        committer.close();
        reader.close();
    }

    @Test
    void writesQueuedTogetherCommitAsOneGroupWithTheirPreconditionsCheckedInOrder() throws Exception {
        KeyValue before = committer.write("/a", GroupCommitter.Mutation.create("/a", bytes("0"))).kv();
        published.clear();

        List<Future<KeyValue>> outcomes;
        try (Hold hold = hold()) {
            outcomes = List.of(
                    hold.queue(() -> committer.write("/b", GroupCommitter.Mutation.create("/b", bytes("b1"))).kv()),
                    hold.queue(() -> committer.write("/b", GroupCommitter.Mutation.create("/b", bytes("again"))).kv()),
                    // sees the create just before it in the same transaction
                    hold.queue(() -> committer.write("/b", GroupCommitter.Mutation.update("/b", before.modRevision() + 1, bytes("b2"))).kv()),
                    hold.queue(() -> committer.write("/b", GroupCommitter.Mutation.update("/b", before.modRevision() + 1, bytes("stale"))).kv()),
                    hold.queue(() -> committer.write("/gone", GroupCommitter.Mutation.delete("/gone", 1)).kv()),
                    hold.queue(() -> committer.write("/a", GroupCommitter.Mutation.delete("/a", before.modRevision())).kv()));
        }

        long r = before.modRevision();
        assertVersion(outcomes.get(0), "/b", "b1", r + 1);
        assertCode(outcomes.get(1), StorageException.Code.KEY_EXISTS);
        assertVersion(outcomes.get(2), "/b", "b2", r + 2);
        StorageException conflict = assertCode(outcomes.get(3), StorageException.Code.CONFLICT);
        assertThat(conflict.current().modRevision()).isEqualTo(r + 2);
        assertCode(outcomes.get(4), StorageException.Code.KEY_NOT_FOUND);
        assertThat(outcomes.get(5).get(WAIT.toSeconds(), TimeUnit.SECONDS).key()).isEqualTo("/a");

        // one group, one commit: its changes reach the watches together, in revision order, refusals using no revision
        assertThat(published).hasSize(1);
        assertThat(published.getFirst()).extracting(WatchEvent::revision).containsExactly(r + 1, r + 2, r + 3);
        assertThat(published.getFirst().get(2).type()).isEqualTo(WatchEvent.Type.DELETE);
        assertThat(SqliteDialect.latest(reader, "/b").id()).isEqualTo(r + 2);
        assertThat(SqliteDialect.maxId(reader)).isEqualTo(r + 3);
    }

    @Test
    void aFailedCommitFailsEveryWriteOfItsGroupAndUsesNoRevision() throws Exception {
        long r = committer.write("/a", GroupCommitter.Mutation.create("/a", bytes("a"))).id();
        published.clear();

        List<Future<KeyValue>> outcomes;
        try (Hold hold = hold()) {
            outcomes = List.of(
                    hold.queue(() -> committer.write("/x", GroupCommitter.Mutation.create("/x", bytes("x"))).kv()),
                    // a row whose id is taken: the insert fails, as a full disk or an I/O error would
                    hold.queue(() -> committer.write("/y", (live, revision) -> Row.create(r, "/y", bytes("y"))).kv()),
                    hold.queue(() -> committer.write("/z", GroupCommitter.Mutation.create("/z", bytes("z"))).kv()));
        }

        for (Future<KeyValue> outcome : outcomes) {
            assertCode(outcome, StorageException.Code.UNAVAILABLE);
        }
        assertThat(published).isEmpty();
        assertThat(SqliteDialect.latest(reader, "/x")).isNull();
        assertThat(SqliteDialect.latest(reader, "/z")).isNull();

        assertThat(committer.write("/x", GroupCommitter.Mutation.create("/x", bytes("x"))).id()).isEqualTo(r + 1);
        assertThat(SqliteDialect.latest(reader, "/x").id()).isEqualTo(r + 1);
        assertThat(published).singleElement().satisfies(events -> assertThat(events).extracting(WatchEvent::revision).containsExactly(r + 1));
    }

    @Test
    void closingCommitsWhatIsQueuedThenRefusesWrites() throws Exception {
        Future<KeyValue> queued;
        try (Hold hold = hold()) {
            queued = hold.queue(() -> committer.write("/a", GroupCommitter.Mutation.create("/a", bytes("a"))).kv());
            threads.submit(committer::close);
            awaitCondition("close() to queue its stop", () -> committer.queued() == 2);
        }

        assertVersion(queued, "/a", "a", 1);
        assertThatThrownBy(() -> committer.write("/b", GroupCommitter.Mutation.create("/b", bytes("b"))))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
    }

    /** Holds the commit thread in an exclusive task until closed; writes queued meanwhile form one group. */
    private Hold hold() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> task = threads.submit(() -> committer.exclusive((c, revision) -> {
            running.countDown();
            try {
                if (!release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("commit thread held").isTrue();
        return new Hold(release, task);
    }

    private final class Hold implements AutoCloseable {
        private final CountDownLatch release;
        private final Future<?> task;
        private int queued;

        Hold(CountDownLatch release, Future<?> task) {
            this.release = release;
            this.task = task;
        }

        /** Starts a write and returns once it waits in the queue, so that writes queue in call order. */
        <T> Future<T> queue(java.util.concurrent.Callable<T> write) {
            Future<T> outcome = threads.submit(write);
            int expected = ++queued;
            awaitCondition("write " + expected + " queued", () -> committer.queued() == expected);
            return outcome;
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            task.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static void awaitCondition(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT + " for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void assertVersion(Future<KeyValue> outcome, String key, String value, long modRevision) throws Exception {
        KeyValue kv = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(kv.key()).isEqualTo(key);
        assertThat(new String(kv.value(), StandardCharsets.UTF_8)).isEqualTo(value);
        assertThat(kv.modRevision()).isEqualTo(modRevision);
    }

    private static StorageException assertCode(Future<?> outcome, StorageException.Code code) {
        List<Throwable> caught = new ArrayList<>();
        try {
            outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            caught.add(e.getCause());
        } catch (Exception e) {
            return fail("no outcome: " + e);
        }
        assertThat(caught).as("expected a StorageException " + code).singleElement().isInstanceOf(StorageException.class);
        StorageException e = (StorageException) caught.getFirst();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
