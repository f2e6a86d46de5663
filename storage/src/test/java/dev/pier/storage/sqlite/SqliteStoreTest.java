package dev.pier.storage.sqlite;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.KeyValueStoreContract;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteStoreTest extends KeyValueStoreContract {

    @TempDir
    Path dir;

    @Override
    protected KeyValueStore newStore() {
        return SqliteStore.open(dir.resolve("store.db"));
    }

    @Test
    void reopeningKeepsEveryKeyAndTheRevision() {
        KeyValue a = store.create(k("/a"), bytes("a1"));
        KeyValue a2 = store.update(k("/a"), a.modRevision(), bytes("a2"));
        KeyValue b = store.create(k("/b"), bytes("b"));
        store.delete(k("/b"), b.modRevision());
        KeyValue c = store.create(k("/c"), bytes("c"));
        long revision = store.currentRevision();
        store.close();

        store = newStore();

        assertThat(store.currentRevision()).isEqualTo(revision);
        assertThat(keys(store.range(RangeRequest.prefix(root)))).containsExactly(k("/a"), k("/c"));
        assertSameVersion(store.get(k("/a")).orElseThrow(), a2);
        assertSameVersion(store.get(k("/c")).orElseThrow(), c);
        assertThat(store.create(k("/d"), bytes("d")).modRevision()).isEqualTo(revision + 1);
    }

    @Test
    void reopeningKeepsTheCompactionAndARevisionWhoseTombstoneWasCompacted() {
        KeyValue a = store.create(k("/a"), bytes("a"));
        KeyValue b = store.create(k("/b"), bytes("b"));
        store.delete(k("/b"), b.modRevision());
        long revision = store.currentRevision();
        // removes the newest row of the log, the tombstone of /b
        store.compact(revision);
        store.close();

        store = newStore();

        assertThat(store.currentRevision()).isEqualTo(revision);
        assertCode(() -> store.range(RangeRequest.prefix(root).atRevision(a.modRevision())), StorageException.Code.COMPACTED);
        assertThat(store.create(k("/c"), bytes("c")).modRevision()).isEqualTo(revision + 1);
    }

    @Test
    void aSecondOpenOfTheSameFileIsRefused() {
        assertCode(this::newStore, StorageException.Code.UNAVAILABLE);
    }

    @Test
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        store.close();
        Path file = dir.resolve("store.db");
        Process writer = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                SqliteWriterMain.class.getName(), file.toString(), root))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<String, Long> acknowledged = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < 200 && (line = out.readLine()) != null) {
                // "<key> <revision>" per acknowledged write; anything else is the child's logging
                if (!line.matches("\\S+ \\d+")) continue;
                String[] ack = line.split(" ");
                acknowledged.put(ack[0], Long.parseLong(ack[1]));
            }
            writer.destroyForcibly(); // SIGKILL, mid-stream of writes
            assertThat(writer.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            writer.destroyForcibly();
        }
        assertThat(acknowledged).hasSize(200);

        store = newStore();
        acknowledged.forEach((key, revision) ->
                assertThat(store.get(key)).as(key).hasValueSatisfying(kv -> assertThat(kv.modRevision()).isEqualTo(revision)));
        assertThat(store.currentRevision()).isGreaterThanOrEqualTo(acknowledged.values().stream().mapToLong(r -> r).max().orElseThrow());
    }
}
