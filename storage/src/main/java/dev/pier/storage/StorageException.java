package dev.pier.storage;

/**
 * A storage failure with a code that callers translate into their own terms
 * (the API server maps KEY_EXISTS on create to AlreadyExists, CONFLICT on update to Conflict, ...).
 * Storage knows nothing of HTTP.
 */
public final class StorageException extends RuntimeException {
    public enum Code {
        /** create of a key that exists */
        KEY_EXISTS,
        /** update or delete of a key that does not exist */
        KEY_NOT_FOUND,
        /** update or delete whose expected revision is not the key's current modRevision */
        CONFLICT,
        /** a read or watch at a revision older than the last compaction */
        COMPACTED,
        /** the read asked for a revision newer than the store has */
        FUTURE_REVISION,
        /** the backend cannot be reached or failed */
        UNAVAILABLE
    }

    private final Code code;
    private final String key;
    private final KeyValue current;
    private final long compactRevision;

    private StorageException(Code code, String key, KeyValue current, long compactRevision, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.key = key;
        this.current = current;
        this.compactRevision = compactRevision;
    }

    public static StorageException keyExists(String key) {
        return new StorageException(Code.KEY_EXISTS, key, null, 0, "key exists: " + key, null);
    }

    public static StorageException keyNotFound(String key) {
        return new StorageException(Code.KEY_NOT_FOUND, key, null, 0, "key not found: " + key, null);
    }

    /** @param current the key's current version, so that a retry need not read it again; may be null */
    public static StorageException conflict(String key, KeyValue current) {
        return new StorageException(Code.CONFLICT, key, current, 0, "revision conflict on " + key, null);
    }

    public static StorageException compacted(long requested, long compactRevision) {
        return new StorageException(Code.COMPACTED, null, null, compactRevision,
                "revision " + requested + " has been compacted (compacted through " + compactRevision + ")", null);
    }

    public static StorageException futureRevision(long requested, long current) {
        return new StorageException(Code.FUTURE_REVISION, null, null, 0,
                "revision " + requested + " is newer than the current revision " + current, null);
    }

    public static StorageException unavailable(String message, Throwable cause) {
        return new StorageException(Code.UNAVAILABLE, null, null, 0, message, cause);
    }

    public Code code() {
        return code;
    }

    /** The key concerned, when there is one. */
    public String key() {
        return key;
    }

    /** For CONFLICT: the key's current version, when the backend returned it. */
    public KeyValue current() {
        return current;
    }

    /** For COMPACTED: the revision the store is compacted through. */
    public long compactRevision() {
        return compactRevision;
    }
}
