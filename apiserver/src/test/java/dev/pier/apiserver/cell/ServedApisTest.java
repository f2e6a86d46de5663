package dev.pier.apiserver.cell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.resources.Harness;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What each cell serves: the management cell the pier.dev kinds besides the built-in ones, tenant cells only the latter. */
class ServedApisTest {
    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    @Test
    void onlyTheManagementCellDiscoversPierKinds() {
        Cell tenant = cells.createTenant("served-a");
        assertThat(groups(cells.management())).contains("apps", "pier.dev");
        assertThat(groups(tenant)).contains("apps").doesNotContain("pier.dev");
        assertThat(tenant.discovery().resourceList("pier.dev", "v1")).isNull();
        assertThat(tenant.openApi().index().path("paths").has("apis/pier.dev/v1")).isFalse();
        assertThat(cells.management().openApi().index().path("paths").has("apis/pier.dev/v1")).isTrue();

        JsonNode resources = cells.management().discovery().resourceList("pier.dev", "v1").path("resources");
        List<String> names = new ArrayList<>();
        resources.forEach(r -> names.add(r.path("name").asText() + ":" + r.path("namespaced").asBoolean() + ":" + r.path("shortNames")));
        assertThat(names).containsExactly("clusters:false:[\"cl\"]", "clusters/status:false:", "nodegroups:false:[\"ng\"]",
                "nodegroups/status:false:", "machines:false:[\"ma\"]", "machines/status:false:");
    }

    @Test
    void tenantsShareOneApiAndTheManagementCellItsOwn() {
        Cell a = cells.createTenant("served-a");
        Cell b = cells.createTenant("served-b");
        assertThat(a.builtinApi()).isSameAs(b.builtinApi()).isNotSameAs(cells.management().builtinApi());
        assertThat(cells.management().builtinApi().registry().all()).hasSize(a.builtinApi().registry().all().size() + 3);
    }

    @Test
    void theManagementCellStoresClustersDefaultedAndValidated() {
        Cell management = cells.management();
        ResourceType clusters = management.registry().find("pier.dev", "v1", "clusters").orElseThrow();
        ObjectNode created = management.store(clusters).create("", Harness.yaml("metadata: {name: stored}"), WriteOptions.defaults());
        assertThat(created.at("/spec/network/podCidr").asText()).isEqualTo("10.244.0.0/16");
        assertThat(created.at("/metadata/generation").asLong()).isEqualTo(1);

        ObjectNode bad = Harness.yaml("metadata: {name: 9lives}\nspec: {network: {podCidr: 10.96.0.0/16}}");
        assertThatThrownBy(() -> management.store(clusters).create("", bad, WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.toStatus().at("/details/causes").findValuesAsText("field"))
                            .containsExactlyInAnyOrder("spec.network.serviceCidr", "metadata.name");
                });
    }

    private static List<String> groups(Cell cell) {
        List<String> out = new ArrayList<>();
        cell.discovery().apiGroupList().path("groups").forEach(g -> out.add(g.path("name").asText()));
        return out;
    }
}
