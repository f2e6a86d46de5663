package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** One hub, one storage watch, informers for every cell: on the real SQLite store through the real API stores. */
class InformerHubTest {
    @TempDir
    Path dir;
    private SqliteStore kv;
    private Cells cells;
    private InformerHub hub;
    private LocalClient client;

    @BeforeEach
    void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        cells.createTenant("blue");
        client = new LocalClient(cells, "test");
        hub = new InformerHub(kv);
    }

    @AfterEach
    void stop() {
        hub.close();
        cells.close();
        kv.close();
    }

    private static ObjectNode configMap(String name, String value) {
        ObjectNode cm = Json.object();
        cm.putObject("metadata").put("name", name);
        cm.putObject("data").put("k", value);
        return cm;
    }

    private ResourceClient configMaps(String cell) {
        return client.resource(cell, client.builtin("", "v1", "configmaps"));
    }

    @Test
    void listsEveryCellThenFollowsChangesInOrder() throws Exception {
        configMaps(Cells.MANAGEMENT).create("default", configMap("one", "a"));
        configMaps("blue").create("kube-system", configMap("two", "b"));
        Informer informer = hub.informer(client.builtin("", "v1", "configmaps"));
        List<String> seen = new CopyOnWriteArrayList<>();
        informer.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode object) {
                seen.add("add " + cell + "/" + object.at("/metadata/name").asText());
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                seen.add("update " + cell + "/" + current.at("/metadata/name").asText() + " " + old.at("/data/k").asText()
                        + "->" + current.at("/data/k").asText());
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                seen.add("delete " + cell + "/" + last.at("/metadata/name").asText());
            }
        });
        hub.start();
        assertThat(informer.get(new ObjectKey(Cells.MANAGEMENT, "default", "one"))).isPresent();
        assertThat(informer.list("blue", "kube-system")).extracting(o -> o.at("/metadata/name").asText()).contains("two");
        assertThat(seen).contains("add _management/one", "add blue/two");

        seen.clear();
        ObjectNode two = configMaps("blue").get("kube-system", "two");
        two.with("data").put("k", "c");
        configMaps("blue").update(two);
        configMaps("blue").delete("kube-system", "two", DeleteOptions.defaults());
        // a writer that waits for the hub sees its own writes at once
        assertThat(hub.awaitCurrent(Duration.ofSeconds(10))).isTrue();
        assertThat(seen).containsExactly("update blue/two b->c", "delete blue/two");
        assertThat(informer.get(new ObjectKey("blue", "kube-system", "two"))).isEmpty();
        assertThat(hub.deliveredRevision()).isGreaterThanOrEqualTo(kv.currentRevision());
    }

    @Test
    void resourcesWithoutInformerAreSkipped() throws Exception {
        Informer pods = hub.informer(client.builtin("", "v1", "pods"));
        hub.start();
        configMaps(Cells.MANAGEMENT).create("default", configMap("ignored", "x"));
        assertThat(hub.awaitCurrent(Duration.ofSeconds(10))).isTrue();
        assertThat(pods.cells()).isEmpty();
    }
}
