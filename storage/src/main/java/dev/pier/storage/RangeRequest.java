package dev.pier.storage;

import java.util.Objects;

/**
 * A read of every key under a prefix, in key order.
 *
 * @param prefix   keys starting with this string are returned
 * @param startKey first key to return (inclusive); {@code null} starts at the prefix. Used for "continue".
 * @param limit    at most this many keys; 0 means no limit
 * @param revision read the store as it was at this revision; 0 means the latest
 */
public record RangeRequest(String prefix, String startKey, int limit, long revision) {
    public RangeRequest {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
        if (revision < 0) throw new IllegalArgumentException("revision must be >= 0 but was " + revision);
    }

    public static RangeRequest prefix(String prefix) {
        return new RangeRequest(prefix, null, 0, 0);
    }

    public RangeRequest withLimit(int newLimit) {
        return new RangeRequest(prefix, startKey, newLimit, revision);
    }

    public RangeRequest startingAt(String key) {
        return new RangeRequest(prefix, key, limit, revision);
    }

    public RangeRequest atRevision(long rev) {
        return new RangeRequest(prefix, startKey, limit, rev);
    }
}
