package dev.pier.storage.sqlite;

import dev.pier.storage.StorageException;
import dev.pier.storage.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Owns the writer connection and commits writes in groups: one transaction, so one fsync, for all the
 * writes that arrived while the previous group was being committed, as etcd batches entries into one
 * append to its log. Under load, the fsync that dominated each write is shared by the whole group; a
 * lone writer still commits at once, since nothing waits for a group to fill.
 *
 * <p>Design: writers queue a {@link Mutation} and wait. One thread takes everything queued (up to
 * {@link #MAX_GROUP}) and, inside one transaction, applies each write in queue order: each reads its
 * key's live row (seeing the writes before it in the group, as the transaction does) and derives the row
 * to append, or refuses with a {@link StorageException} (exists, not found, conflict), which fails that
 * write alone and uses no revision. Then it commits, hands the changes to the watches in revision order,
 * and only then acknowledges the writers: an acknowledged write is on disk, and the store's revision
 * already covers it. A failed commit rolls the whole group back and fails each of its writes.
 *
 * <p>The thread is a platform thread on purpose: every SQLite call is a JNI call, which pins a virtual
 * thread's carrier for its whole length, fsync included; on a two-core machine a writer in an fsync
 * held one of the two carriers that every other virtual thread (HTTP, watches) of the process shares.
 * The price is a hand-off to this thread and back on every write, which a lone writer feels most.
 *
 * <p>Work that needs the connection to itself (compaction) is queued as well and runs between groups.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Bounds one transaction; a longer queue is committed in several groups. */
    static final int MAX_GROUP = 512;

    /**
     * Derives the row to append from the key's live row (null if none) and the revision it will get, or
     * refuses with a {@link StorageException}. Runs on the commit thread: it must be quick and touch nothing else.
     */
    @FunctionalInterface
    interface Mutation {
        Row apply(Row live, long revision);

        static Mutation create(String key, byte[] value) {
            return (live, revision) -> {
                if (live != null) {
                    throw StorageException.keyExists(key);
                }
                return Row.create(revision, key, value);
            };
        }

        static Mutation update(String key, long expectedModRevision, byte[] value) {
            return (live, revision) -> Row.update(revision, expect(key, live, expectedModRevision), value);
        }

        static Mutation delete(String key, long expectedModRevision) {
            return (live, revision) -> Row.delete(revision, expect(key, live, expectedModRevision));
        }

        private static Row expect(String key, Row live, long expectedModRevision) {
            if (live == null) {
                throw StorageException.keyNotFound(key);
            }
            if (live.id() != expectedModRevision) {
                throw StorageException.conflict(key, live.kv());
            }
            return live;
        }
    }

    /** Work on the writer connection alone, between two groups; {@code revision} is the last committed one. */
    @FunctionalInterface
    interface Exclusive {
        void run(Connection writer, long revision) throws SQLException;
    }

    private sealed interface Job permits Write, Task, Stop {
    }

    private record Write(String key, Mutation mutation, CompletableFuture<Row> done) implements Job {
    }

    private record Task(Exclusive work, CompletableFuture<Void> done) implements Job {
    }

    private record Stop() implements Job {
    }

    private final Connection writer;
    private final Consumer<List<WatchEvent>> publish;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    // makes "closed" and the queue agree: nothing is queued behind the Stop job
    private final ReentrantLock submitLock = new ReentrantLock();
    private final Thread thread;
    private boolean closed; // guarded by submitLock
    // the commit thread's alone after start
    private long revision; // the last committed one
    private SqliteDialect.WriteStatements statements; // prepared on first use

    /**
     * @param revision the revision the log is at
     * @param publish  receives the changes of each committed group, in revision order, before its writers
     *                 are acknowledged
     */
    GroupCommitter(Connection writer, long revision, Consumer<List<WatchEvent>> publish) {
        this.writer = writer;
        this.revision = revision;
        this.publish = publish;
        this.thread = Thread.ofPlatform().name("sqlite-commit").daemon().unstarted(this::run);
        thread.start();
    }

    /**
     * Appends the row {@code mutation} derives for {@code key}, once every write queued before it is done.
     * Returns when the row is committed and published.
     *
     * @throws StorageException what the mutation threw, or UNAVAILABLE if the commit failed or the store is closed
     */
    Row write(String key, Mutation mutation) {
        Write write = new Write(key, mutation, new CompletableFuture<>());
        submit(write);
        return await(write.done());
    }

    /** Runs {@code work} on the writer connection after every write queued before it; returns when it is done. */
    void exclusive(Exclusive work) {
        Task task = new Task(work, new CompletableFuture<>());
        submit(task);
        await(task.done());
    }

    /** How many writes and tasks wait for the commit thread; for tests. */
    int queued() {
        return queue.size();
    }

    private void submit(Job job) {
        submitLock.lock();
        try {
            if (closed) {
                throw StorageException.unavailable("sqlite store is closed", null);
            }
            queue.add(job);
        } finally {
            submitLock.unlock();
        }
    }

    // Not interruptible on purpose: once queued, the write may commit, and the caller must learn its outcome.
    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw StorageException.unavailable("sqlite write failed: " + e.getCause(), e.getCause());
        }
    }

    private void run() {
        List<Job> jobs = new ArrayList<>();
        List<Write> group = new ArrayList<>();
        while (true) {
            jobs.clear();
            try {
                jobs.add(queue.take());
            } catch (InterruptedException e) {
                // nobody interrupts this thread; if it happens all the same, go on serving the queue
                continue;
            }
            queue.drainTo(jobs, MAX_GROUP - 1);
            for (Job job : jobs) {
                switch (job) {
                    case Write write -> group.add(write);
                    case Task task -> {
                        commit(group);
                        runAlone(task);
                    }
                    case Stop stop -> {
                        commit(group);
                        closeQuietly();
                        return;
                    }
                }
            }
            commit(group);
        }
    }

    /** Commits the group as one transaction and clears it. */
    private void commit(List<Write> group) {
        if (group.isEmpty()) {
            return;
        }
        List<Write> applied = new ArrayList<>(group.size());
        List<Row> rows = new ArrayList<>(group.size());
        long next = revision;
        try {
            SqliteDialect.WriteStatements sql = statements();
            writer.setAutoCommit(false);
            for (Write write : group) {
                Row latest = sql.latest(write.key());
                Row row;
                try {
                    row = write.mutation().apply(latest == null || latest.deleted() ? null : latest, next + 1);
                } catch (RuntimeException refused) {
                    write.done().completeExceptionally(refused);
                    continue;
                }
                sql.insert(row);
                next = row.id();
                applied.add(write);
                rows.add(row);
            }
            writer.commit();
        } catch (SQLException | RuntimeException | Error e) {
            // whatever went wrong, this thread must go on serving the queue, or every writer would hang
            rollbackQuietly();
            StorageException failure = StorageException.unavailable(
                    "sqlite commit of a group of " + group.size() + " writes failed: " + e.getMessage(), e);
            LOG.warn("sqlite commit of {} writes failed; none of them is applied", group.size(), e);
            // the writes refused on their own already have their answer; completing them again does nothing
            group.forEach(write -> write.done().completeExceptionally(failure));
            group.clear();
            return;
        } finally {
            autoCommitQuietly();
        }
        revision = next;
        group.clear();
        if (rows.isEmpty()) {
            return;
        }
        try {
            publish.accept(rows.stream().map(Row::event).toList());
        } catch (RuntimeException e) {
            // committed is committed: the writers still get their answer
            LOG.error("handing revisions {}..{} to the watches failed", rows.getFirst().id(), rows.getLast().id(), e);
        }
        for (int i = 0; i < applied.size(); i++) {
            applied.get(i).done().complete(rows.get(i));
        }
    }

    private SqliteDialect.WriteStatements statements() throws SQLException {
        if (statements == null) {
            statements = new SqliteDialect.WriteStatements(writer);
        }
        return statements;
    }

    private void runAlone(Task task) {
        try {
            task.work().run(writer, revision);
            task.done().complete(null);
        } catch (SQLException e) {
            task.done().completeExceptionally(StorageException.unavailable("sqlite failed: " + e.getMessage(), e));
        } catch (RuntimeException | Error e) {
            // as in commit(): the thread must outlive whatever one task does
            task.done().completeExceptionally(e);
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the next group reports it
        }
    }

    private void autoCommitQuietly() {
        try {
            writer.setAutoCommit(true);
        } catch (SQLException ignored) {
            // as above
        }
    }

    private void closeQuietly() {
        try {
            if (statements != null) {
                statements.close();
            }
        } catch (SQLException ignored) {
            // closing the connection finalizes them as well
        }
        try {
            writer.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do with it
        }
    }

    /** Commits what is queued, stops the thread and closes the writer connection. Later writes fail as UNAVAILABLE. */
    @Override
    public void close() {
        submitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(new Stop());
        } finally {
            submitLock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
