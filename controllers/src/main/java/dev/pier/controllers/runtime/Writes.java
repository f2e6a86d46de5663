package dev.pier.controllers.runtime;

import dev.pier.apiserver.errors.ApiException;

import java.util.List;
import java.util.function.Supplier;

/** Small helpers for controllers' writes. */
public final class Writes {
    private Writes() {
    }

    /**
     * Runs a write whose object may have been deleted meanwhile: a 404 means there is nothing left to do
     * (the informer will bring the deletion), answered as null.
     */
    public static <T> T ignoreGone(Supplier<T> write) {
        try {
            return write.get();
        } catch (ApiException e) {
            if (e.code() == 404) return null;
            throw e;
        }
    }

    /** Waits for writes run in parallel on their own threads; an interrupt stops waiting and is kept. */
    public static void joinAll(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
