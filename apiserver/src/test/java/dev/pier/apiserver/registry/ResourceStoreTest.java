package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.FieldSelector;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.meta.LabelSelector;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generic store's Kubernetes semantics, on the real SQLite backend, without HTTP. */
class ResourceStoreTest {
    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static Cell cell;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        cell = cells.management();
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    private static ResourceStore store(String group, String resource) {
        return cell.store(cell.registry().find(group, group.isEmpty() ? "v1" : "v1", resource).orElseThrow());
    }

    private static ObjectNode configMap(String name, Map<String, String> labels) {
        ObjectNode o = Json.object();
        o.put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = o.putObject("metadata");
        if (name != null) meta.put("name", name);
        labels.forEach(meta.withObject("labels")::put);
        o.putObject("data").put("k", "v");
        return o;
    }

    private static ObjectNode deployment(String name) {
        ObjectNode d = Json.object();
        d.put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name);
        ObjectNode spec = d.putObject("spec");
        spec.put("replicas", 1);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode tpl = spec.putObject("template");
        tpl.putObject("metadata").putObject("labels").put("app", name);
        tpl.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
        return d;
    }

    @Test
    void createFillsServerSideMetadata() {
        ObjectNode created = store("", "configmaps").create("default", configMap("meta", Map.of()), WriteOptions.defaults());
        JsonNode m = created.path("metadata");
        assertThat(m.path("uid").asText()).hasSize(36);
        assertThat(m.path("creationTimestamp").asText()).endsWith("Z");
        assertThat(m.path("resourceVersion").asLong()).isPositive();
        assertThat(m.path("namespace").asText()).isEqualTo("default");
        assertThat(store("", "configmaps").get("default", "meta")).isEqualTo(created);
    }

    @Test
    void generateNameMakesAUniqueName() {
        ObjectNode o = configMap(null, Map.of());
        o.withObject("metadata").put("generateName", "gen-");
        String name = store("", "configmaps").create("default", o, WriteOptions.defaults()).path("metadata").path("name").asText();
        assertThat(name).startsWith("gen-").hasSize(9);
    }

    @Test
    void duplicateCreateIsAlreadyExists() {
        store("", "configmaps").create("default", configMap("dup", Map.of()), WriteOptions.defaults());
        assertThatThrownBy(() -> store("", "configmaps").create("default", configMap("dup", Map.of()), WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.reason()).isEqualTo("AlreadyExists");
                });
    }

    @Test
    void missingNamespaceAndBadNamesAreRefused() {
        assertThatThrownBy(() -> store("", "configmaps").create("nowhere", configMap("x", Map.of()), WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> store("", "configmaps").create("default", configMap("Bad_Name", Map.of()), WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.toStatus().path("details").path("causes").get(0).path("field").asText()).isEqualTo("metadata.name");
                });
    }

    @Test
    void staleResourceVersionConflictsAndUnconditionalUpdateWins() {
        ResourceStore cms = store("", "configmaps");
        ObjectNode v1 = cms.create("default", configMap("occ", Map.of()), WriteOptions.defaults());
        ObjectNode v2 = v1.deepCopy();
        ((ObjectNode) v2.path("data")).put("k", "v2");
        ObjectNode stored = cms.update("default", "occ", v2, false, WriteOptions.defaults());
        assertThat(stored.path("metadata").path("resourceVersion").asLong())
                .isGreaterThan(v1.path("metadata").path("resourceVersion").asLong());

        ObjectNode stale = v1.deepCopy();
        ((ObjectNode) stale.path("data")).put("k", "stale");
        assertThatThrownBy(() -> cms.update("default", "occ", stale, false, WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("the object has been modified");
                });
        stale.withObject("metadata").remove("resourceVersion");
        assertThat(cms.update("default", "occ", stale, false, WriteOptions.defaults()).path("data").path("k").asText()).isEqualTo("stale");
    }

    @Test
    void unchangedUpdateWritesNothing() {
        ResourceStore cms = store("", "configmaps");
        ObjectNode v1 = cms.create("default", configMap("same", Map.of()), WriteOptions.defaults());
        ObjectNode again = cms.update("default", "same", v1.deepCopy(), false, WriteOptions.defaults());
        assertThat(again.path("metadata").path("resourceVersion")).isEqualTo(v1.path("metadata").path("resourceVersion"));

        // also for kinds with a generation, after it has been bumped once
        ResourceStore deploys = store("apps", "deployments");
        ObjectNode d = deploys.create("default", deployment("same"), WriteOptions.defaults());
        d.withObject("spec").put("replicas", 2);
        ObjectNode d2 = deploys.update("default", "same", d, false, WriteOptions.defaults());
        ObjectNode d3 = deploys.update("default", "same", d2.deepCopy(), false, WriteOptions.defaults());
        assertThat(d3.path("metadata").path("resourceVersion")).isEqualTo(d2.path("metadata").path("resourceVersion"));
        assertThat(d3.path("metadata").path("generation").asLong()).isEqualTo(2);
    }

    @Test
    void specAndStatusAreWrittenSeparatelyAndGenerationCountsSpecChanges() {
        ResourceStore deploys = store("apps", "deployments");
        ObjectNode created = deploys.create("default", deployment("gen"), WriteOptions.defaults());
        assertThat(created.path("metadata").path("generation").asLong()).isEqualTo(1);

        ObjectNode withStatus = created.deepCopy();
        withStatus.putObject("status").put("replicas", 1);
        ObjectNode afterStatus = deploys.update("default", "gen", withStatus, true, WriteOptions.defaults());
        assertThat(afterStatus.path("status").path("replicas").asInt()).isEqualTo(1);
        assertThat(afterStatus.path("metadata").path("generation").asLong()).isEqualTo(1);

        ObjectNode scaled = afterStatus.deepCopy();
        scaled.withObject("spec").put("replicas", 3);
        scaled.putObject("status").put("replicas", 99); // ignored on the main resource
        ObjectNode afterSpec = deploys.update("default", "gen", scaled, false, WriteOptions.defaults());
        assertThat(afterSpec.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(afterSpec.path("status").path("replicas").asInt()).isEqualTo(1);

        ObjectNode statusTriesSpec = afterSpec.deepCopy();
        statusTriesSpec.withObject("spec").put("replicas", 7);
        ObjectNode afterStatus2 = deploys.update("default", "gen", statusTriesSpec, true, WriteOptions.defaults());
        assertThat(afterStatus2.path("spec").path("replicas").asInt()).isEqualTo(3);
    }

    @Test
    void finalizersHoldDeletionUntilRemoved() {
        ResourceStore cms = store("", "configmaps");
        ObjectNode o = configMap("fin", Map.of());
        o.withObject("metadata").putArray("finalizers").add("example.com/hold");
        cms.create("default", o, WriteOptions.defaults());
        ObjectNode marked = cms.delete("default", "fin", DeleteOptions.defaults());
        assertThat(marked.path("metadata").hasNonNull("deletionTimestamp")).isTrue();
        assertThat(cms.get("default", "fin").path("metadata").hasNonNull("deletionTimestamp")).isTrue();

        ObjectNode released = cms.get("default", "fin");
        released.withObject("metadata").remove("finalizers");
        cms.update("default", "fin", released, false, WriteOptions.defaults());
        assertThatThrownBy(() -> cms.get("default", "fin"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    @Test
    void dryRunStoresNothing() {
        ResourceStore cms = store("", "configmaps");
        cms.create("default", configMap("dry", Map.of()), new WriteOptions(true, "", "Strict"));
        assertThatThrownBy(() -> cms.get("default", "dry")).isInstanceOf(ApiException.class);
    }

    @Test
    void paginatedListReturnsEveryItemOnceAtOneRevision() {
        ResourceStore cms = store("", "configmaps");
        cell.store(cell.registry().find("", "v1", "namespaces").orElseThrow())
                .create("", namespace("paging"), WriteOptions.defaults());
        for (int i = 0; i < 7; i++) cms.create("paging", configMap("cm-" + i, Map.of("n", i % 2 == 0 ? "even" : "odd")), WriteOptions.defaults());
        List<String> names = new ArrayList<>();
        String token = "";
        String firstRevision = null;
        do {
            ObjectNode page = cms.list("paging", new ListOptions(LabelSelector.EVERYTHING, FieldSelector.EVERYTHING, "", "", 3, token, 0, false));
            page.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
            if (firstRevision == null) firstRevision = page.path("metadata").path("resourceVersion").asText();
            else assertThat(page.path("metadata").path("resourceVersion").asText()).isEqualTo(firstRevision);
            token = page.path("metadata").path("continue").asText("");
            if (names.size() == 3) cms.create("paging", configMap("cm-late", Map.of()), WriteOptions.defaults());
        } while (!token.isEmpty());
        assertThat(names).containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6");

        ObjectNode even = cms.list("paging", new ListOptions(LabelSelector.parse("n=even"), FieldSelector.EVERYTHING, "", "", 2, "", 0, false));
        assertThat(even.path("items")).hasSize(2);
        assertThat(even.path("metadata").path("continue").asText()).isNotEmpty();
        ObjectNode fromCache = cms.list("paging", new ListOptions(LabelSelector.parse("n=even"), FieldSelector.EVERYTHING, "0", "", 0, "", 0, false));
        assertThat(fromCache.path("items")).hasSize(4);
    }

    @Test
    void terminatingNamespaceRefusesNewObjects() {
        ResourceStore namespaces = cell.store(cell.registry().find("", "v1", "namespaces").orElseThrow());
        ObjectNode ns = namespace("doomed");
        ns.withObject("metadata").putArray("finalizers").add("example.com/keep"); // keeps it Terminating for the test
        namespaces.create("", ns, WriteOptions.defaults());
        namespaces.delete("", "doomed", DeleteOptions.defaults());
        assertThat(namespaces.get("", "doomed").path("status").path("phase").asText()).isEqualTo("Terminating");
        assertThatThrownBy(() -> store("", "configmaps").create("doomed", configMap("late", Map.of()), WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(403));
    }

    private static ObjectNode namespace(String name) {
        ObjectNode ns = Json.object();
        ns.put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        return ns;
    }
}
