package dev.pier.storage;

import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CompactorTest {
    @TempDir
    Path dir;

    private static boolean compacted(KeyValueStore store, long revision) {
        try {
            store.range(RangeRequest.prefix("/k").atRevision(revision));
            return false;
        } catch (StorageException e) {
            return e.code() == StorageException.Code.COMPACTED;
        }
    }

    @Test
    void compactsHistoryOlderThanOneInterval() throws InterruptedException {
        try (SqliteStore store = SqliteStore.open(dir.resolve("s.db"))) {
            long first = store.create("/k/a", new byte[]{1}).modRevision();
            store.update("/k/a", first, new byte[]{2});
            try (Compactor ignored = Compactor.start(store, Duration.ofMillis(50))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!compacted(store, first) && System.nanoTime() < deadline) {
                    store.create("/k/n" + System.nanoTime(), new byte[0]); // keep history moving
                    Thread.onSpinWait();
                }
                assertThat(compacted(store, first)).isTrue();
                assertThat(store.get("/k/a").orElseThrow().value()).containsExactly(2);
            }
        }
    }
}
