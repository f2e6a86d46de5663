package dev.pier.storage.sqlite;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStoreContract.Recorder;
import dev.pier.storage.Watch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which watches a write reaches, on a store holding many watches on other prefixes, as a server with
 * many cells does. A watch that got nothing proves it by answering a progress request with no event
 * before it: progress is queued behind every change already handed to the watch.
 */
class WatchDispatchTest {

    private static final int OTHER_CELLS = 2_000;

    @TempDir
    Path dir;

    private SqliteStore store;
    private final List<Watch> watches = new ArrayList<>();

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("store.db"));
    }

    @AfterEach
    void close() {
        watches.forEach(Watch::close);
        store.close();
    }

    @Test
    void aWriteReachesTheWatchesOfItsKeysPrefixesAndNoOther() {
        Map<String, Recorder> matching = new LinkedHashMap<>();
        for (String prefix : List.of("/registry/cell-7/core/configmaps/", "/registry/cell-7/", "/registry/", "",
                "/registry/cell-7/core/configmaps/default/web")) {
            matching.put(prefix, watch(prefix));
        }
        Map<String, Recorder> others = new LinkedHashMap<>();
        // near misses first: a longer cell name, a sibling resource, the key's own name with more after it
        for (String prefix : List.of("/registry/cell-70/", "/registry/cell-7/core/pods/",
                "/registry/cell-7/core/configmaps/default/web-2", "/registry/cell-7/core/configmaps/kube-system/")) {
            others.put(prefix, watch(prefix));
        }
        for (int cell = 0; cell < OTHER_CELLS; cell++) {
            if (cell != 7) {
                String prefix = "/registry/cell-" + cell + "/core/configmaps/";
                others.put(prefix, watch(prefix));
            }
        }

        KeyValue created = store.create("/registry/cell-7/core/configmaps/default/web", "x".getBytes(StandardCharsets.UTF_8));

        matching.forEach((prefix, recorder) ->
                assertThat(recorder.nextEvent().kv().modRevision()).as(prefix).isEqualTo(created.modRevision()));
        others.forEach((prefix, recorder) -> {
            watches.get(indexOf(prefix, matching, others)).requestProgress();
            assertThat(recorder.nextProgress()).as(prefix).isGreaterThanOrEqualTo(created.modRevision());
        });
    }

    @Test
    void closedWatchesLeaveTheIndex() {
        for (int cell = 0; cell < 100; cell++) {
            watch("/registry/cell-" + cell + "/");
        }
        assertThat(store.openWatches()).isEqualTo(100);

        watches.subList(0, 60).forEach(Watch::close);

        assertThat(store.openWatches()).isEqualTo(40);
        Recorder late = watch("/registry/cell-0/");
        KeyValue created = store.create("/registry/cell-0/x", new byte[0]);
        assertThat(late.nextEvent().kv().modRevision()).isEqualTo(created.modRevision());
        assertThat(store.openWatches()).isEqualTo(41);
    }

    private Recorder watch(String prefix) {
        Recorder recorder = new Recorder();
        watches.add(store.watch(prefix, 0, recorder));
        return recorder;
    }

    /** Watches were opened in insertion order: matching ones first, then the others. */
    private static int indexOf(String prefix, Map<String, Recorder> matching, Map<String, Recorder> others) {
        return matching.size() + new ArrayList<>(others.keySet()).indexOf(prefix);
    }
}
