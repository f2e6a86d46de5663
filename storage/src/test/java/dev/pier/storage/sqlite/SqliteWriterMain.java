package dev.pier.storage.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes keys from several threads until killed, printing "key revision" once each write is acknowledged.
 * For the crash test: concurrent writers make the store commit them in groups.
 */
public final class SqliteWriterMain {
    private static final int WRITERS = 8;

    public static void main(String[] args) throws InterruptedException {
        SqliteStore store = SqliteStore.open(Path.of(args[0]));
        AtomicInteger next = new AtomicInteger();
        for (int w = 0; w < WRITERS; w++) {
            Thread.ofPlatform().start(() -> {
                while (true) {
                    int i = next.getAndIncrement();
                    String key = args[1] + "/crash/" + i;
                    long revision = store.create(key, ("value " + i).getBytes(StandardCharsets.UTF_8)).modRevision();
                    synchronized (System.out) {
                        System.out.println(key + " " + revision);
                        System.out.flush();
                    }
                }
            });
        }
        Thread.currentThread().join();
    }
}
