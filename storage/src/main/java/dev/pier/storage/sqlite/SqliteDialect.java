package dev.pier.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * All SQL the SQLite backend speaks. The log is one table where a row's id is the revision
 * of the write; the current version of a key is its row with the highest id, unless that row
 * is a tombstone.
 *
 * <p>Key bounds: names are TEXT compared with SQLite's BINARY collation, i.e. by their UTF-8
 * bytes, the order etcd uses. The exclusive upper bound of a prefix is a byte string that may
 * not be valid UTF-8, so it is bound as a blob and cast to TEXT (a bit-for-bit reinterpretation).
 * Byte 0xFF never occurs in UTF-8, so {@code [0xFF]} bounds "every key" while keeping both ends of
 * the index range usable.
 */
final class SqliteDialect {

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS log (
          id              INTEGER PRIMARY KEY,
          name            TEXT    NOT NULL,
          created         INTEGER NOT NULL,
          deleted         INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          prev_revision   INTEGER NOT NULL,
          value           BLOB    NOT NULL,
          old_value       BLOB
        )""",
        // serves "latest row of a name", "rows of a name at or below a revision" and prefix scans
        "CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id)",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    };

    private static final String COLUMNS =
            "id, name, created, deleted, create_revision, prev_revision, value, old_value";

    private static final String LATEST =
            "SELECT " + COLUMNS + " FROM log WHERE name = ? ORDER BY id DESC LIMIT 1";

    private static final String INSERT =
            "INSERT INTO log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    // Walks the (name, id) index in name order and keeps, per name, the newest row at or below
    // the revision; LIMIT can therefore stop the scan early.
    private static final String RANGE =
            "SELECT " + COLUMNS + " FROM log AS r WHERE name >= ?1 AND name < CAST(?2 AS TEXT)"
            + " AND id = (SELECT MAX(id) FROM log WHERE name = r.name AND id <= ?3)"
            + " AND deleted = 0 ORDER BY name LIMIT ?4";

    private static final String CHANGES =
            "SELECT " + COLUMNS + " FROM log WHERE id > ?1 AND id <= ?2"
            + " AND name >= ?3 AND name < CAST(?4 AS TEXT) ORDER BY id";

    private static final String MAX_ID = "SELECT COALESCE(MAX(id), 0) FROM log";

    private static final String COMPACT_REVISION =
            "SELECT COALESCE((SELECT value FROM meta WHERE key = 'compact_revision'), 0)";

    // A row at or below the revision is history once a newer row of the same name exists at or
    // below it; a tombstone there is history too, since nothing can read the key's absence from it.
    private static final String DELETE_HISTORY =
            "DELETE FROM log WHERE id <= ?1 AND (deleted = 1"
            + " OR id < (SELECT MAX(newer.id) FROM log AS newer WHERE newer.name = log.name AND newer.id <= ?1))";

    private static final String SET_COMPACT_REVISION =
            "INSERT INTO meta (key, value) VALUES ('compact_revision', ?)"
            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

    private SqliteDialect() {
    }

    static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
        }
    }

    /** The newest row of a name, tombstone or not; null if the name never existed (or was compacted away). */
    static Row latest(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LATEST)) {
            return latest(ps, name);
        }
    }

    private static Row latest(PreparedStatement ps, String name) throws SQLException {
        ps.setString(1, name);
        List<Row> rows = rows(ps);
        return rows.isEmpty() ? null : rows.getFirst();
    }

    private static void insert(PreparedStatement ps, Row row) throws SQLException {
        ps.setLong(1, row.id());
        ps.setString(2, row.name());
        ps.setInt(3, row.created() ? 1 : 0);
        ps.setInt(4, row.deleted() ? 1 : 0);
        ps.setLong(5, row.createRevision());
        ps.setLong(6, row.prevRevision());
        ps.setBytes(7, row.value());
        ps.setBytes(8, row.oldValue());
        ps.executeUpdate();
    }

    /**
     * The two statements of a write, prepared once on the writer connection: the commit thread runs them
     * for every write, and preparing costs about as much as running them.
     */
    static final class WriteStatements implements AutoCloseable {
        private final PreparedStatement latest;
        private final PreparedStatement insert;

        WriteStatements(Connection writer) throws SQLException {
            latest = writer.prepareStatement(LATEST);
            try {
                insert = writer.prepareStatement(INSERT);
            } catch (SQLException e) {
                latest.close();
                throw e;
            }
        }

        /** As {@link SqliteDialect#latest(Connection, String)}. */
        Row latest(String name) throws SQLException {
            return SqliteDialect.latest(latest, name);
        }

        void insert(Row row) throws SQLException {
            SqliteDialect.insert(insert, row);
        }

        @Override
        public void close() throws SQLException {
            try {
                latest.close();
            } finally {
                insert.close();
            }
        }
    }

    /** Live rows with from <= name < to as of a revision, in name order; limit -1 for all. */
    static List<Row> range(Connection c, String from, byte[] to, long revision, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RANGE)) {
            ps.setString(1, from);
            ps.setBytes(2, to);
            ps.setLong(3, revision);
            ps.setInt(4, limit);
            return rows(ps);
        }
    }

    /** Every write with afterId < id <= throughId to a name in [from, to), in revision order. */
    static List<Row> changes(Connection c, long afterId, long throughId, String from, byte[] to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHANGES)) {
            ps.setLong(1, afterId);
            ps.setLong(2, throughId);
            ps.setString(3, from);
            ps.setBytes(4, to);
            return rows(ps);
        }
    }

    static long maxId(Connection c) throws SQLException {
        return single(c, MAX_ID);
    }

    static long compactRevision(Connection c) throws SQLException {
        return single(c, COMPACT_REVISION);
    }

    /** Deletes history at and below the revision and records it; the caller wraps this in a transaction. */
    static void compact(Connection c, long revision) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(DELETE_HISTORY);
             PreparedStatement record = c.prepareStatement(SET_COMPACT_REVISION)) {
            delete.setLong(1, revision);
            delete.executeUpdate();
            record.setLong(1, revision);
            record.executeUpdate();
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3) != 0, rs.getInt(4) != 0,
                        rs.getLong(5), rs.getLong(6), rs.getBytes(7), rs.getBytes(8)));
            }
        }
        return rows;
    }
}
