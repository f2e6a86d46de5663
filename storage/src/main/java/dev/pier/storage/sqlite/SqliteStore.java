package dev.pier.storage.sqlite;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * The embedded backend: a kine-style append-only log in one SQLite file.
 *
 * <p>Every write appends a row whose id is the new revision, so history is the table itself:
 * reads at an old revision pick each key's newest row at or below it, and watches replay rows.
 * One connection writes, under a JVM lock; since nothing else writes the file (a lock file keeps
 * other processes out), the latest revision lives in memory and watches are fed in-process.
 * Commits are fsynced (WAL, synchronous=FULL): an acknowledged write survives a crash.
 */
public final class SqliteStore implements KeyValueStore {

    private static final int READ_CONNECTIONS = 4;
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final FileChannel lockFile;
    private final FileLock processLock;
    private final Connection writer;
    private final ReadPool reads;
    private final WatchDispatcher dispatcher = new WatchDispatcher(this::currentRevision);
    // Fair: each holder fsyncs anyway, and a writer looping on a virtual thread would otherwise barge
    // ahead of parked waiters indefinitely.
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private volatile long currentRevision;
    private volatile long compactRevision;
    private volatile boolean closed;

    private SqliteStore(FileChannel lockFile, FileLock processLock, Connection writer, ReadPool reads,
                        long currentRevision, long compactRevision) {
        this.lockFile = lockFile;
        this.processLock = processLock;
        this.writer = writer;
        this.reads = reads;
        this.currentRevision = currentRevision;
        this.compactRevision = compactRevision;
    }

    /** Opens the store in {@code file}, creating the file and its schema if needed. */
    public static SqliteStore open(Path file) {
        Path path = file.toAbsolutePath();
        FileChannel lockFile = null;
        Connection writer = null;
        try {
            Files.createDirectories(path.getParent());
            lockFile = FileChannel.open(path.resolveSibling(path.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock processLock = lockFile.tryLock();
            if (processLock == null) {
                throw new OverlappingFileLockException();
            }
            String url = "jdbc:sqlite:" + path;
            writer = writerConfig().createConnection(url);
            SqliteDialect.createSchema(writer);
            long compact = SqliteDialect.compactRevision(writer);
            // compaction may have removed the newest row (a tombstone), never the revision it reached
            long current = Math.max(SqliteDialect.maxId(writer), compact);
            ReadPool reads = new ReadPool(() -> readerConfig().createConnection(url), READ_CONNECTIONS);
            return new SqliteStore(lockFile, processLock, writer, reads, current, compact);
        } catch (OverlappingFileLockException e) {
            closeQuietly(lockFile);
            throw StorageException.unavailable("sqlite store " + path + " is already open", null);
        } catch (IOException | SQLException e) {
            closeQuietly(writer);
            closeQuietly(lockFile);
            throw StorageException.unavailable("cannot open sqlite store " + path + ": " + e.getMessage(), e);
        }
    }

    private static SQLiteConfig writerConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config;
    }

    private static SQLiteConfig readerConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config;
    }

    @Override
    public long currentRevision() {
        return currentRevision;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        ensureOpen();
        Row row = reads.read(c -> SqliteDialect.latest(c, key));
        return row == null || row.deleted() ? Optional.empty() : Optional.of(row.kv());
    }

    @Override
    public RangeResult range(RangeRequest request) {
        ensureOpen();
        long current = currentRevision;
        if (request.revision() > current) {
            throw StorageException.futureRevision(request.revision(), current);
        }
        long revision = request.revision() == 0 ? current : request.revision();
        String from = request.startKey() != null && compareUtf8(request.startKey(), request.prefix()) > 0
                ? request.startKey() : request.prefix();
        byte[] to = prefixEnd(request.prefix());
        int fetch = request.limit() == 0 ? -1 : request.limit() + 1;
        // compaction check and read share one snapshot, so a concurrent compaction cannot slip between them
        List<Row> rows = reads.snapshot(c -> {
            long compacted = SqliteDialect.compactRevision(c);
            if (revision < compacted) {
                throw StorageException.compacted(revision, compacted);
            }
            return SqliteDialect.range(c, from, to, revision, fetch);
        });
        boolean more = request.limit() > 0 && rows.size() > request.limit();
        List<Row> page = more ? rows.subList(0, request.limit()) : rows;
        return new RangeResult(page.stream().map(Row::kv).toList(), revision, more);
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        return write(key, (current, revision) -> {
            if (current != null) {
                throw StorageException.keyExists(key);
            }
            return Row.create(revision, key, value);
        }).kv();
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        Objects.requireNonNull(value, "value");
        return write(key, (current, revision) -> {
            check(key, current, expectedModRevision);
            return Row.update(revision, current, value);
        }).kv();
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        Row tombstone = write(key, (current, revision) -> {
            check(key, current, expectedModRevision);
            return Row.delete(revision, current);
        });
        return tombstone.event().previous();
    }

    private static void check(String key, Row current, long expectedModRevision) {
        if (current == null) {
            throw StorageException.keyNotFound(key);
        }
        if (current.id() != expectedModRevision) {
            throw StorageException.conflict(key, current.kv());
        }
    }

    /**
     * Appends the row that {@code next} derives from the key's live row (null if none) and the new revision,
     * then hands the change to the watches, still under the lock so that they see commits in order, and
     * before the revision moves on, so that a progress report at that revision follows the change.
     */
    private Row write(String key, BiFunction<Row, Long, Row> next) {
        Objects.requireNonNull(key, "key");
        writeLock.lock();
        try {
            ensureOpen();
            Row latest = SqliteDialect.latest(writer, key);
            Row row = next.apply(latest == null || latest.deleted() ? null : latest, currentRevision + 1);
            SqliteDialect.insert(writer, row);
            dispatcher.publish(row.event());
            currentRevision = row.id();
            return row;
        } catch (SQLException e) {
            throw StorageException.unavailable("sqlite write of " + key + " failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        ensureOpen();
        // Taken before the write lock, so that writers never wait for a free read connection.
        Connection snapshot = afterRevision == 0 ? null : reads.acquire();
        boolean replaying = false;
        writeLock.lock();
        try {
            ensureOpen();
            if (afterRevision != 0 && afterRevision < compactRevision) {
                return dispatcher.failed(listener, StorageException.compacted(afterRevision, compactRevision));
            }
            long registeredAt = currentRevision;
            long after = afterRevision == 0 ? registeredAt : afterRevision;
            if (after >= registeredAt) {
                return dispatcher.register(prefix, after, listener, List::of);
            }
            // Pinned while no write or compaction can run: the history up to registeredAt stays
            // readable however long the watch thread takes to get to it.
            ReadPool.pinSnapshot(snapshot);
            Watch watch = dispatcher.register(prefix, after, listener, () -> history(snapshot, prefix, after, registeredAt));
            replaying = true; // from here on the watch thread hands the connection back
            return watch;
        } catch (SQLException e) {
            throw ReadPool.failed(e);
        } finally {
            writeLock.unlock();
            if (snapshot != null && !replaying) {
                reads.release(snapshot);
            }
        }
    }

    private List<WatchEvent> history(Connection snapshot, String prefix, long after, long through) {
        try {
            return SqliteDialect.changes(snapshot, after, through, prefix, prefixEnd(prefix))
                    .stream().map(Row::event).toList();
        } catch (SQLException e) {
            throw ReadPool.failed(e);
        } finally {
            reads.release(snapshot);
        }
    }

    @Override
    public void compact(long revision) {
        writeLock.lock();
        try {
            ensureOpen();
            if (revision > currentRevision) {
                throw StorageException.futureRevision(revision, currentRevision);
            }
            if (revision <= compactRevision) {
                return;
            }
            writer.setAutoCommit(false);
            try {
                SqliteDialect.compact(writer, revision);
                writer.commit();
            } catch (SQLException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
            compactRevision = revision;
        } catch (SQLException e) {
            throw StorageException.unavailable("sqlite compaction failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dispatcher.closeAll();
            reads.close();
            closeQuietly(writer);
            try {
                processLock.release();
            } catch (IOException ignored) {
                // closing the channel releases it as well
            }
            closeQuietly(lockFile);
        } finally {
            writeLock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw StorageException.unavailable("sqlite store is closed", null);
        }
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The smallest byte string above every key with this prefix; see {@link SqliteDialect} on 0xFF. */
    private static byte[] prefixEnd(String prefix) {
        byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {(byte) 0xFF};
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing or closing; the first error is the one worth reporting
        }
    }
}
