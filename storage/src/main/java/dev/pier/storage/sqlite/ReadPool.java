package dev.pier.storage.sqlite;

import dev.pier.storage.StorageException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few read-only connections. In WAL mode readers never wait for the writer, so reads
 * proceed while a write is being fsynced.
 */
final class ReadPool implements AutoCloseable {

    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    @FunctionalInterface
    interface SqlCall<T> {
        T call(Connection c) throws SQLException;
    }

    private static final long ACQUIRE_TIMEOUT_SECONDS = 30;

    private final List<Connection> all = new ArrayList<>();
    private final BlockingQueue<Connection> idle;

    ReadPool(ConnectionFactory factory, int size) throws SQLException {
        idle = new ArrayBlockingQueue<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Connection c = factory.open();
                all.add(c);
                idle.add(c);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** Runs one call on a connection in autocommit mode: each statement sees the latest commit. */
    <T> T read(SqlCall<T> call) {
        Connection c = acquire();
        try {
            return call.call(c);
        } catch (SQLException e) {
            throw failed(e);
        } finally {
            release(c);
        }
    }

    /** Runs the call inside one read transaction, so that all its statements see one snapshot. */
    <T> T snapshot(SqlCall<T> call) {
        Connection c = acquire();
        try {
            pinSnapshot(c);
            return call.call(c);
        } catch (SQLException e) {
            throw failed(e);
        } finally {
            release(c);
        }
    }

    Connection acquire() {
        try {
            Connection c = idle.poll(ACQUIRE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (c == null) {
                throw StorageException.unavailable("no sqlite read connection free after " + ACQUIRE_TIMEOUT_SECONDS + "s", null);
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StorageException.unavailable("interrupted while waiting for a sqlite read connection", e);
        }
    }

    /**
     * Opens a read transaction on an acquired connection and fixes its snapshot now: SQLite takes
     * the snapshot at the first read, not at BEGIN. {@link #release} ends the transaction.
     */
    static void pinSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        SqliteDialect.compactRevision(c);
    }

    void release(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is closed or broken; the next call on it reports that
        } finally {
            idle.add(c);
        }
    }

    static StorageException failed(SQLException e) {
        return StorageException.unavailable("sqlite read failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: nothing left to do with it
            }
        }
    }
}
