package dev.pier.storage;

import java.util.Optional;

/**
 * Pier's storage SPI: a revisioned key-value store with etcd's semantics.
 *
 * <p>Every successful write advances one global revision by exactly one, and the
 * written version carries that revision as its modRevision (Kubernetes uses it as
 * resourceVersion). Calls block; callers run them on virtual threads. Implementations
 * are thread-safe.
 *
 * <p>Backends: {@code SqliteStore} (kine-style append-only log, the embedded default)
 * and {@code EtcdStore} (jetcd). Both pass {@code KeyValueStoreContract}.
 */
public interface KeyValueStore extends AutoCloseable {

    /** The latest revision of the store. */
    long currentRevision();

    /** The current version of a key, if it exists. */
    Optional<KeyValue> get(String key);

    /**
     * Keys under a prefix, in key order, at the requested revision (latest if 0).
     *
     * @throws StorageException COMPACTED when the revision is older than the last compaction,
     *                          FUTURE_REVISION when it is newer than the store
     */
    RangeResult range(RangeRequest request);

    /**
     * Creates a key that must not exist.
     *
     * @return the created version
     * @throws StorageException KEY_EXISTS
     */
    KeyValue create(String key, byte[] value);

    /**
     * Replaces a key's value if its current modRevision is {@code expectedModRevision}.
     *
     * @return the new version
     * @throws StorageException KEY_NOT_FOUND, or CONFLICT (carrying the current version)
     */
    KeyValue update(String key, long expectedModRevision, byte[] value);

    /**
     * Deletes a key if its current modRevision is {@code expectedModRevision}.
     *
     * @return the deleted version (its value as it was); its modRevision is the version's,
     *         and {@link #currentRevision()} has advanced by one
     * @throws StorageException KEY_NOT_FOUND, or CONFLICT (carrying the current version)
     */
    KeyValue delete(String key, long expectedModRevision);

    /**
     * Streams every change under {@code prefix} with a revision greater than {@code afterRevision},
     * in revision order, with previous values, until closed. {@code afterRevision} 0 means "from now".
     *
     * <p>If {@code afterRevision} is older than the last compaction, the listener's
     * {@code onError} receives COMPACTED and nothing else.
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /** Forgets history at and below {@code revision}: later reads and watches at older revisions fail with COMPACTED. */
    void compact(long revision);

    @Override
    void close();
}
