package dev.pier.apiserver.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Remembers that an in-process client wrote something on behalf of a thread (or of threads it started
 * to write in parallel, which share its mark), so that a controller's worker can wait until its
 * informers have seen its own writes before it takes the same key again: what client-go's
 * "expectations" achieve, in the simpler form an in-process API allows.
 */
public final class WriteTracker {
    private static final InheritableThreadLocal<AtomicBoolean> WROTE = new InheritableThreadLocal<>() {
        @Override
        protected AtomicBoolean initialValue() {
            return new AtomicBoolean();
        }
    };

    private WriteTracker() {
    }

    static ObjectNode wrote(ObjectNode written) {
        wroteSomething();
        return written;
    }

    static void wroteSomething() {
        WROTE.get().set(true);
    }

    /**
     * Whether this thread (or a thread it started after its first call here) wrote since the last call,
     * and resets the mark.
     */
    public static boolean takeWrote() {
        return WROTE.get().getAndSet(false);
    }
}
