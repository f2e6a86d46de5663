package dev.pier.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.StoredObjects;
import dev.pier.storage.KeyValue;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watch cache over real SQLite storage: lists, resumed watches, selector transitions and expiry. */
class WatchCacheTest {
    private static final String PREFIX = "/registry/t/core/configmaps/";

    @TempDir
    Path dir;
    SqliteStore kv;
    WatchCache cache;

    @BeforeEach
    void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
    }

    @AfterEach
    void stop() {
        if (cache != null) cache.close();
        kv.close();
    }

    private static byte[] object(String name, String app) {
        ObjectNode o = Json.object();
        o.put("kind", "ConfigMap");
        o.withObject("metadata").put("name", name).put("namespace", "default");
        if (app != null) o.withObject("metadata").withObject("labels").put("app", app);
        return StoredObjects.encode(o);
    }

    private static List<String> drain(CacheWatcher w, int n) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < n && System.nanoTime() < deadline) {
            CacheEvent e = w.next(100, TimeUnit.MILLISECONDS);
            if (e != null) seen.add(e.type() + " " + e.object().path("metadata").path("name").asText());
        }
        return seen;
    }

    @Test
    void listsCurrentObjectsAndFollowsChanges() {
        kv.create(PREFIX + "default/a", object("a", "x"));
        cache = WatchCache.start(kv, PREFIX, StoredObjects::decode);
        KeyValue b = kv.create(PREFIX + "default/b", object("b", "y"));
        WatchCache.Snapshot snap = cache.list(b.modRevision(), PREFIX, o -> true);
        assertThat(snap.items()).extracting(o -> o.path("metadata").path("name").asText()).containsExactly("a", "b");
        assertThat(snap.revision()).isGreaterThanOrEqualTo(b.modRevision());
        assertThat(cache.list(0, PREFIX, o -> o.path("metadata").path("labels").path("app").asText().equals("y")).items()).hasSize(1);
    }

    @Test
    void watchFromZeroStartsWithEveryObjectThenChanges() throws Exception {
        kv.create(PREFIX + "default/a", object("a", "x"));
        cache = WatchCache.start(kv, PREFIX, StoredObjects::decode);
        try (CacheWatcher w = cache.watch(0, o -> true, 16)) {
            KeyValue b = kv.create(PREFIX + "default/b", object("b", "x"));
            kv.update(PREFIX + "default/b", b.modRevision(), object("b", "z"));
            kv.delete(PREFIX + "default/a", kv.get(PREFIX + "default/a").orElseThrow().modRevision());
            assertThat(drain(w, 4)).containsExactly("ADDED a", "ADDED b", "MODIFIED b", "DELETED a");
        }
    }

    @Test
    void resumedWatchReplaysOnlyLaterChangesAndSelectorsTransition() throws Exception {
        cache = WatchCache.start(kv, PREFIX, StoredObjects::decode);
        KeyValue a = kv.create(PREFIX + "default/a", object("a", "x"));
        KeyValue a2 = kv.update(PREFIX + "default/a", a.modRevision(), object("a", "y")); // leaves app=x
        kv.update(PREFIX + "default/a", a2.modRevision(), object("a", "x"));              // comes back
        CacheWatcher w = cache.watch(a.modRevision(), o -> o.path("metadata").path("labels").path("app").asText().equals("x"), 16);
        assertThat(drain(w, 2)).containsExactly("DELETED a", "ADDED a");
        w.close();
    }

    @Test
    void tooOldRevisionIsGone() {
        cache = WatchCache.start(kv, PREFIX, StoredObjects::decode, 2);
        KeyValue first = kv.create(PREFIX + "default/a", object("a", null));
        long last = 0;
        for (int i = 0; i < 4; i++) last = kv.create(PREFIX + "default/n" + i, object("n" + i, null)).modRevision();
        cache.list(last, PREFIX, o -> true); // wait until the cache has seen everything
        kv.compact(last - 1); // and storage no longer has the changes before the window either
        assertThatThrownBy(() -> cache.watch(first.modRevision(), o -> true, 16))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(410));
    }

    @Test
    void aRevisionBeforeTheCacheStartedIsReadBackFromStorage() throws Exception {
        // a client listed at `listed`, then other writes happened before its watch started the cache
        KeyValue a = kv.create(PREFIX + "default/a", object("a", null));
        long listed = a.modRevision();
        kv.create("/registry/t/core/secrets/default/s", object("s", null));
        KeyValue b = kv.create(PREFIX + "default/b", object("b", null));
        kv.delete(PREFIX + "default/a", a.modRevision());
        cache = WatchCache.start(kv, PREFIX, StoredObjects::decode);
        try (CacheWatcher w = cache.watch(listed, o -> true, 16)) {
            kv.create(PREFIX + "default/c", object("c", null));
            assertThat(drain(w, 3)).containsExactly("ADDED b", "DELETED a", "ADDED c");
        }
        assertThat(b.modRevision()).isGreaterThan(listed);
    }

    @Test
    void aRevisionFromAnotherPrefixIsReachedThroughProgress() {
        cache = WatchCache.start(kv, PREFIX, StoredObjects::decode);
        long elsewhere = kv.create("/registry/t/core/secrets/default/s", object("s", null)).modRevision();
        // No change under PREFIX up to that revision: the cache learns it is current from storage progress.
        assertThat(cache.list(elsewhere, PREFIX, o -> true).revision()).isGreaterThanOrEqualTo(elsewhere);
    }
}
