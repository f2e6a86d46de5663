package dev.pier.storage.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes keys until killed, printing "key revision" once each write is acknowledged. For the crash test. */
public final class SqliteWriterMain {
    public static void main(String[] args) {
        SqliteStore store = SqliteStore.open(Path.of(args[0]));
        for (int i = 0; ; i++) {
            String key = args[1] + "/crash/" + i;
            long revision = store.create(key, ("value " + i).getBytes(StandardCharsets.UTF_8)).modRevision();
            System.out.println(key + " " + revision);
            System.out.flush();
        }
    }
}
