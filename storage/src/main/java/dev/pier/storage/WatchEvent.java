package dev.pier.storage;

/**
 * One change seen by a watch.
 *
 * @param type     PUT for a create or update, DELETE for a delete
 * @param kv       the new version; for DELETE, the key with an empty value and the delete's revision as modRevision
 * @param previous the version before this change; {@code null} for a create
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue previous) {
    public enum Type { PUT, DELETE }

    /** The revision at which this change happened. */
    public long revision() {
        return kv.modRevision();
    }

    public boolean isCreate() {
        return type == Type.PUT && previous == null;
    }
}
