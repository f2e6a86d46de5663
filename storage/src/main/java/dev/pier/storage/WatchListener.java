package dev.pier.storage;

import java.util.List;

/**
 * Receives the changes of one watch, in revision order, on one thread at a time.
 * Implementations must return quickly: they are called on the backend's delivery thread.
 */
public interface WatchListener {
    /** A batch of changes, ordered by revision; never empty. */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch ended and delivers nothing more: the start revision was compacted
     * ({@link StorageException.Code#COMPACTED}), or the backend failed.
     */
    void onError(StorageException error);

    /**
     * Every change with a revision at or below {@code revision} under this watch's prefix has
     * been delivered. Lets a cache know it is current through a revision even when its
     * prefix saw no change; answered after {@link Watch#requestProgress()}, and may come unasked.
     */
    default void onProgress(long revision) {
    }
}
