package dev.pier.storage.sqlite;

import dev.pier.storage.KeyValue;
import dev.pier.storage.WatchEvent;

/**
 * One entry of the append-only log; its id is the revision of the write.
 * A row carries the value it replaced so that watch events can be rebuilt from the log alone.
 */
record Row(long id, String name, boolean created, boolean deleted,
           long createRevision, long prevRevision, byte[] value, byte[] oldValue) {

    private static final byte[] EMPTY = new byte[0];

    static Row create(long id, String name, byte[] value) {
        return new Row(id, name, true, false, id, 0, value, null);
    }

    static Row update(long id, Row current, byte[] value) {
        return new Row(id, current.name, false, false, current.createRevision, current.id, value, current.value);
    }

    static Row delete(long id, Row current) {
        return new Row(id, current.name, false, true, current.createRevision, current.id, EMPTY, current.value);
    }

    KeyValue kv() {
        return new KeyValue(name, value, createRevision, id);
    }

    WatchEvent event() {
        KeyValue previous = created ? null : new KeyValue(name, oldValue, createRevision, prevRevision);
        if (deleted) {
            // etcd reports a delete as a key without create revision; both backends agree on that
            return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(name, EMPTY, 0, id), previous);
        }
        return new WatchEvent(WatchEvent.Type.PUT, kv(), previous);
    }
}
