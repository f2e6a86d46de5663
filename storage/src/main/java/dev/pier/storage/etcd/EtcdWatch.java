package dev.pier.storage.etcd;

import dev.pier.storage.KeyValue;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Adapts one jetcd watcher to the SPI. Listener calls are handed to a virtual thread of this
 * watch: jetcd calls back on the gRPC event loop, where a listener that blocks (say, on a store
 * read served by that same loop) would stall every watch or deadlock.
 *
 * <p>jetcd reports transient stream errors and then resumes on its own; the SPI instead ends the
 * watch on the first error, so that the caller re-watches from the revision it has seen.
 *
 * <p>Progress reports are etcd's progress notifications. etcd before 3.4.25 / 3.5.8 may send one
 * ahead of events still queued for a watcher that is catching up (etcd issue 15220); Kubernetes
 * requires a fixed etcd for the same reason.
 */
final class EtcdWatch implements Watch, io.etcd.jetcd.Watch.Listener {

    private static final byte[] EMPTY = new byte[0];

    private final long afterRevision;
    private final WatchListener listener;
    private final Consumer<EtcdWatch> onEnd;
    private final ExecutorService delivery =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().name("etcd-watch").factory());
    private final Object lock = new Object();
    // guarded by lock
    private io.etcd.jetcd.Watch.Watcher watcher;
    private boolean created;
    private boolean progressWanted;
    private boolean ended;
    // set by close(): queued deliveries are dropped
    private volatile boolean closed;

    EtcdWatch(long afterRevision, WatchListener listener, Consumer<EtcdWatch> onEnd) {
        this.afterRevision = afterRevision;
        this.listener = listener;
        this.onEnd = onEnd;
    }

    void start(io.etcd.jetcd.Watch client, ByteSequence key, WatchOption option) {
        io.etcd.jetcd.Watch.Watcher w = client.watch(key, option, this);
        boolean endedEarly;
        synchronized (lock) {
            watcher = w;
            endedEarly = ended;
        }
        if (endedEarly) {
            w.close();
        } else {
            askForProgressIfReady();
        }
    }

    /** jetcd drops a progress request sent before its stream is up, so it waits for the "created" answer. */
    @Override
    public void requestProgress() {
        synchronized (lock) {
            progressWanted = true;
        }
        askForProgressIfReady();
    }

    private void askForProgressIfReady() {
        io.etcd.jetcd.Watch.Watcher w;
        synchronized (lock) {
            if (ended || !created || !progressWanted || watcher == null) {
                return;
            }
            progressWanted = false;
            w = watcher;
        }
        w.requestProgress();
    }

    @Override
    public void onNext(WatchResponse response) {
        if (response.isCreatedNotify()) {
            synchronized (lock) {
                created = true;
            }
            askForProgressIfReady();
            return;
        }
        if (response.isProgressNotify()) {
            long revision = response.getHeader().getRevision();
            submit(() -> listener.onProgress(revision));
            return;
        }
        List<WatchEvent> events = response.getEvents().stream().map(EtcdWatch::event).filter(Objects::nonNull).toList();
        if (!events.isEmpty()) {
            submit(() -> listener.onEvents(events));
        }
    }

    @Override
    public void onError(Throwable error) {
        if (error instanceof CompactedException compacted) {
            end(StorageException.compacted(afterRevision, compacted.getCompactedRevision()));
        } else {
            end(StorageException.unavailable("etcd watch failed: " + error.getMessage(), error));
        }
    }

    @Override
    public void onCompleted() {
        // jetcd also calls this after our own close(), when the watch has already ended
        end(StorageException.unavailable("etcd ended the watch", null));
    }

    private void submit(Runnable listenerCall) {
        synchronized (lock) {
            if (!ended) {
                delivery.execute(() -> call(listenerCall));
            }
        }
    }

    private void call(Runnable listenerCall) {
        if (closed) {
            return;
        }
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            // the listener missed events it cannot get back; ending the watch lets it re-watch
            end(StorageException.unavailable("watch listener failed: " + e, e));
        }
    }

    /** Ends the watch with a last call to onError, after the deliveries already queued. */
    private void end(StorageException error) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            delivery.execute(() -> {
                if (!closed) {
                    listener.onError(error);
                }
            });
            delivery.shutdown();
        }
        release();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            delivery.shutdown();
        }
        release();
    }

    // Outside our lock: jetcd's close takes jetcd's lock, which jetcd holds while calling onError.
    private void release() {
        onEnd.accept(this);
        io.etcd.jetcd.Watch.Watcher w;
        synchronized (lock) {
            w = watcher;
        }
        if (w != null) {
            w.close();
        }
    }

    private static WatchEvent event(io.etcd.jetcd.watch.WatchEvent e) {
        KeyValue kv = EtcdStore.keyValue(e.getKeyValue());
        io.etcd.jetcd.KeyValue prev = e.getPrevKV();
        KeyValue previous = prev == null || prev.getCreateRevision() == 0 ? null : EtcdStore.keyValue(prev);
        return switch (e.getEventType()) {
            case PUT -> new WatchEvent(WatchEvent.Type.PUT, kv, previous);
            case DELETE -> new WatchEvent(WatchEvent.Type.DELETE,
                    new KeyValue(kv.key(), EMPTY, 0, kv.modRevision()), previous);
            case UNRECOGNIZED -> null;
        };
    }
}
