package dev.pier.storage;

/**
 * One stored version of a key, as etcd reports it.
 *
 * @param key            the full key, e.g. {@code /registry/<cell>/core/pods/default/web}
 * @param value          the stored bytes; empty for the tombstone carried by a delete event
 * @param createRevision the revision at which this incarnation of the key was created
 * @param modRevision    the revision of this version (Kubernetes' resourceVersion)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
}
