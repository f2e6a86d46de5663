package dev.pier.storage.sqlite;

import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One watch with its own virtual thread, so that a slow listener delays nobody else.
 * The thread first delivers the history read from the log, then the live events that the
 * dispatcher queued meanwhile; the two meet at the revision the watch was registered at.
 */
final class SqliteWatch implements Watch {

    /** Reads the events the watch must replay; may fail with COMPACTED. */
    @FunctionalInterface
    interface History {
        List<WatchEvent> load();
    }

    private sealed interface Item {
    }

    private record Change(WatchEvent event) implements Item {
    }

    private record Progress(long revision) implements Item {
    }

    /** Wakes the thread after close(); interrupting it could hit the listener mid-call. */
    private record Wake() implements Item {
    }

    private static final int MAX_BATCH = 500;

    private final String prefix;
    private final long afterRevision;
    private final LongSupplier currentRevision;
    private final WatchListener listener;
    private final Consumer<SqliteWatch> onClose;
    // unbounded on purpose: offer() runs under the dispatcher's lock and must never wait on a listener
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    SqliteWatch(String prefix, long afterRevision, LongSupplier currentRevision, WatchListener listener,
                Consumer<SqliteWatch> onClose) {
        this.prefix = prefix;
        this.afterRevision = afterRevision;
        this.currentRevision = currentRevision;
        this.listener = listener;
        this.onClose = onClose;
    }

    String prefix() {
        return prefix;
    }

    void start(History history) {
        Thread.ofVirtual().name("sqlite-watch " + prefix).start(() -> run(history));
    }

    /**
     * Called by the dispatcher, in revision order, before the store's revision moves to the event's, with
     * the changes under this watch's prefix only (the dispatcher's index picks the watches).
     */
    void offer(WatchEvent event) {
        if (!closed && event.revision() > afterRevision) {
            queue.add(new Change(event));
        }
    }

    /**
     * The dispatcher queues each change before it publishes the new revision, so every change up to the
     * revision read here is already ahead of the marker in the queue.
     */
    @Override
    public void requestProgress() {
        if (!closed) {
            queue.add(new Progress(currentRevision.getAsLong()));
        }
    }

    private void run(History history) {
        try {
            List<WatchEvent> past = history.load();
            for (int i = 0; i < past.size(); i += MAX_BATCH) {
                deliverEvents(past.subList(i, Math.min(i + MAX_BATCH, past.size())));
            }
            while (!closed) {
                List<Item> items = new ArrayList<>();
                items.add(queue.take());
                queue.drainTo(items, MAX_BATCH - 1);
                deliverItems(items);
            }
        } catch (InterruptedException e) {
            // nobody interrupts this thread but the JVM's shutdown; stop delivering
        } catch (StorageException e) {
            fail(e);
        }
    }

    private void deliverItems(List<Item> items) {
        List<WatchEvent> batch = new ArrayList<>();
        for (Item item : items) {
            switch (item) {
                case Change change -> batch.add(change.event());
                case Progress progress -> {
                    deliverEvents(batch);
                    batch.clear();
                    call(() -> listener.onProgress(progress.revision()));
                }
                case Wake wake -> {
                }
            }
        }
        deliverEvents(batch);
    }

    private void deliverEvents(List<WatchEvent> events) {
        if (!events.isEmpty()) {
            List<WatchEvent> batch = List.copyOf(events);
            call(() -> listener.onEvents(batch));
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
            fail(StorageException.unavailable("watch listener failed: " + e, e));
        }
    }

    private void fail(StorageException error) {
        if (closed) {
            return;
        }
        close();
        try {
            listener.onError(error);
        } catch (RuntimeException ignored) {
            // the watch is over either way
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
        queue.add(new Wake());
    }
}
