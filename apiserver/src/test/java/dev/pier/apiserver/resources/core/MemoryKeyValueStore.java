package dev.pier.apiserver.resources.core;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Just enough of a key-value store for allocator tests: get, range, create, update, delete. */
final class MemoryKeyValueStore implements KeyValueStore {
    private final Map<String, KeyValue> data = new ConcurrentSkipListMap<>();
    private long revision;

    @Override
    public synchronized long currentRevision() {
        return revision;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public RangeResult range(RangeRequest request) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : data.values()) if (kv.key().startsWith(request.prefix())) out.add(kv);
        return new RangeResult(out, revision, false);
    }

    @Override
    public synchronized KeyValue create(String key, byte[] value) {
        if (data.containsKey(key)) throw StorageException.keyExists(key);
        KeyValue kv = new KeyValue(key, value, ++revision, revision);
        data.put(key, kv);
        return kv;
    }

    @Override
    public synchronized KeyValue update(String key, long expectedModRevision, byte[] value) {
        KeyValue old = data.get(key);
        if (old == null) throw StorageException.keyNotFound(key);
        if (old.modRevision() != expectedModRevision) throw StorageException.conflict(key, old);
        KeyValue kv = new KeyValue(key, value, old.createRevision(), ++revision);
        data.put(key, kv);
        return kv;
    }

    @Override
    public synchronized KeyValue delete(String key, long expectedModRevision) {
        KeyValue old = data.get(key);
        if (old == null) throw StorageException.keyNotFound(key);
        if (old.modRevision() != expectedModRevision) throw StorageException.conflict(key, old);
        data.remove(key);
        revision++;
        return old;
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void compact(long revision) {
    }

    @Override
    public void close() {
    }

    int size() {
        return data.size();
    }
}
