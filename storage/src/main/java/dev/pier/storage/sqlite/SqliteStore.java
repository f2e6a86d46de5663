package dev.pier.storage.sqlite;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded backend: a kine-style append-only log in one SQLite file.
 *
 * <p>Every write appends a row whose id is the new revision, so history is the table itself:
 * reads at an old revision pick each key's newest row at or below it, and watches replay rows.
 * One connection writes, on one thread that commits concurrent writes in groups ({@link GroupCommitter});
 * since nothing else writes the file (a lock file keeps other processes out), the latest revision lives
 * in memory and watches are fed in-process ({@link WatchDispatcher}). Commits are fsynced (WAL,
 * synchronous=FULL) before any of their writes is acknowledged: an acknowledged write survives a crash.
 * Reads use a few other connections and never wait for the writer.
 */
public final class SqliteStore implements KeyValueStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    private static final int READ_CONNECTIONS = 4;
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path path;
    private final FileChannel lockFile;
    private final FileLock processLock;
    private final ReadPool reads;
    private final WatchDispatcher dispatcher;
    private final GroupCommitter committer;
    private final AtomicBoolean closed = new AtomicBoolean();
    // written by the commit thread only, after the compaction is committed
    private volatile long compactRevision;

    private SqliteStore(Path path, FileChannel lockFile, FileLock processLock, Connection writer, ReadPool reads,
                        long currentRevision, long compactRevision) {
        this.path = path;
        this.lockFile = lockFile;
        this.processLock = processLock;
        this.reads = reads;
        this.compactRevision = compactRevision;
        this.dispatcher = new WatchDispatcher(currentRevision, this::history);
        this.committer = new GroupCommitter(writer, currentRevision, dispatcher::publish);
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
            LOG.info("opened sqlite store {} at revision {} (compacted through {})", path, current, compact);
            return new SqliteStore(path, lockFile, processLock, writer, reads, current, compact);
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
        return dispatcher.revision();
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
        long current = dispatcher.revision();
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
        return write(key, GroupCommitter.Mutation.create(key, value)).kv();
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        Objects.requireNonNull(value, "value");
        return write(key, GroupCommitter.Mutation.update(key, expectedModRevision, value)).kv();
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return write(key, GroupCommitter.Mutation.delete(key, expectedModRevision)).event().previous();
    }

    /**
     * Queues the write; the commit thread evaluates its precondition after every write queued before
     * it, commits it with the others of its group, publishes it, then returns here.
     */
    private Row write(String key, GroupCommitter.Mutation mutation) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        return committer.write(key, mutation);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        ensureOpen();
        // The history read checks compaction again, against the snapshot it reads: a compaction that
        // commits in between is caught there.
        long compacted = compactRevision;
        if (afterRevision != 0 && afterRevision < compacted) {
            return dispatcher.failed(listener, StorageException.compacted(afterRevision, compacted));
        }
        return dispatcher.register(prefix, afterRevision, listener);
    }

    /** The changes under a prefix with after < revision <= through, from one snapshot of the log. */
    private List<WatchEvent> history(String prefix, long after, long through) {
        return reads.snapshot(c -> {
            long compacted = SqliteDialect.compactRevision(c);
            if (after < compacted) {
                throw StorageException.compacted(after, compacted);
            }
            return SqliteDialect.changes(c, after, through, prefix, prefixEnd(prefix)).stream().map(Row::event).toList();
        });
    }

    @Override
    public void compact(long revision) {
        ensureOpen();
        committer.exclusive((writer, current) -> {
            if (revision > current) {
                throw StorageException.futureRevision(revision, current);
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
            LOG.debug("compacted {} through revision {}", path, revision);
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // writes already queued are committed and answered; later ones fail as UNAVAILABLE
        committer.close();
        dispatcher.closeAll();
        reads.close();
        try {
            processLock.release();
        } catch (IOException ignored) {
            // closing the channel releases it as well
        }
        closeQuietly(lockFile);
        LOG.info("closed sqlite store {} at revision {}", path, dispatcher.revision());
    }

    /** How many watches are open; for tests. */
    int openWatches() {
        return dispatcher.size();
    }

    private void ensureOpen() {
        if (closed.get()) {
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
