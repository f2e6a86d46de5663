package dev.pier.storage;

/** A running watch. Closing it stops deliveries; closing twice is harmless. */
public interface Watch extends AutoCloseable {
    /** Asks the backend to call {@link WatchListener#onProgress(long)} soon with the revision delivered through. */
    void requestProgress();

    @Override
    void close();
}
