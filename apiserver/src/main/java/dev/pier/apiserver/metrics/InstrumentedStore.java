package dev.pier.apiserver.metrics;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchListener;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link KeyValueStore} that times every request to the store it wraps. Outcomes that are answers rather than
 * failures (the key exists, a revision conflict, compacted history) are timed but not counted as errors. Watches
 * are long-lived streams, not requests, and pass through untimed.
 */
final class InstrumentedStore implements KeyValueStore {
    private final KeyValueStore store;
    private final StorageMetrics metrics;

    InstrumentedStore(KeyValueStore store, StorageMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    private <T> T timed(String key, String operation, Supplier<T> call) {
        StorageKeys.Labels labels = StorageKeys.of(key);
        long started = System.nanoTime();
        try {
            return call.get();
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.UNAVAILABLE) metrics.failed(labels, operation);
            throw e;
        } catch (RuntimeException | Error e) {
            metrics.failed(labels, operation);
            throw e;
        } finally {
            metrics.observe(labels, operation, System.nanoTime() - started);
        }
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return timed(key, "get", () -> store.get(key));
    }

    @Override
    public RangeResult range(RangeRequest request) {
        return timed(request.prefix(), "list", () -> store.range(request));
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return timed(key, "create", () -> store.create(key, value));
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return timed(key, "update", () -> store.update(key, expectedModRevision, value));
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return timed(key, "delete", () -> store.delete(key, expectedModRevision));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        return store.watch(prefix, afterRevision, listener);
    }

    @Override
    public void compact(long revision) {
        timed("", "compact", () -> {
            store.compact(revision);
            return null;
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
