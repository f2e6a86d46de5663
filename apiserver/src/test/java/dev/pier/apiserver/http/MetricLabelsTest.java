package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.metrics.RequestLabels;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Request labels as kube-apiserver computes them, and no label value a client can invent. */
class MetricLabelsTest {
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

    private static RequestLabels labels(String method, String path) {
        return MetricLabels.of(cell, FakeCall.of(method, path));
    }

    private static RequestLabels labels(String method, String path, Map<String, List<String>> query, Map<String, String> headers) {
        return MetricLabels.of(cell, new FakeCall(method, path, query, headers, null));
    }

    private static RequestLabels resource(String verb, String group, String version, String resource, String subresource, String scope) {
        return new RequestLabels(cell.name(), verb, "", group, version, resource, subresource, scope, "apiserver");
    }

    @Test
    void readsAreGetListOrWatchByScope() {
        assertThat(labels("GET", "/api/v1/namespaces/default/configmaps")).isEqualTo(resource("LIST", "", "v1", "configmaps", "", "namespace"));
        assertThat(labels("GET", "/api/v1/namespaces/default/configmaps/one")).isEqualTo(resource("GET", "", "v1", "configmaps", "", "resource"));
        assertThat(labels("GET", "/apis/apps/v1/deployments")).isEqualTo(resource("LIST", "apps", "v1", "deployments", "", "cluster"));
        assertThat(labels("GET", "/api/v1/namespaces/kube-system")).isEqualTo(resource("GET", "", "v1", "namespaces", "", "resource"));
        assertThat(labels("GET", "/apis/apps/v1/deployments", Map.of("watch", List.of("true")), Map.of()))
                .isEqualTo(resource("WATCH", "apps", "v1", "deployments", "", "cluster"));
        assertThat(labels("GET", "/api/v1/watch/namespaces/default/pods")).isEqualTo(resource("WATCH", "", "v1", "pods", "", "namespace"));
    }

    @Test
    void writesKeepTheirMethodExceptApply() {
        assertThat(labels("POST", "/api/v1/namespaces/default/configmaps")).isEqualTo(resource("POST", "", "v1", "configmaps", "", "resource"));
        assertThat(labels("PUT", "/apis/apps/v1/namespaces/default/deployments/web/status"))
                .isEqualTo(resource("PUT", "apps", "v1", "deployments", "status", "resource"));
        assertThat(labels("DELETE", "/api/v1/namespaces/default/configmaps")).isEqualTo(resource("DELETE", "", "v1", "configmaps", "", "namespace"));
        assertThat(labels("PATCH", "/api/v1/namespaces/default/configmaps/one", Map.of(),
                Map.of("Content-Type", "application/apply-patch+yaml; charset=utf-8"))).isEqualTo(resource("APPLY", "", "v1", "configmaps", "", "resource"));
        assertThat(labels("PATCH", "/api/v1/namespaces/default/configmaps/one", Map.of(),
                Map.of("Content-Type", "application/merge-patch+json"))).isEqualTo(resource("PATCH", "", "v1", "configmaps", "", "resource"));
    }

    @Test
    void dryRunIsAllOrInvalid() {
        assertThat(labels("POST", "/api/v1/namespaces/default/configmaps", Map.of("dryRun", List.of("All")), Map.of()).dryRun()).isEqualTo("All");
        assertThat(labels("POST", "/api/v1/namespaces/default/configmaps", Map.of("dryRun", List.of("Everything")), Map.of()).dryRun()).isEqualTo("invalid");
    }

    @Test
    void nonResourcePathsGoIntoSubresource() {
        assertThat(labels("GET", "/version")).isEqualTo(resource("GET", "", "", "", "/version", ""));
        assertThat(labels("GET", "/apis").subresource()).isEqualTo("/apis");
        assertThat(labels("GET", "/api/v1").subresource()).isEqualTo("/api/v1");
        assertThat(labels("GET", "/apis/apps").subresource()).isEqualTo("/apis/apps");
        assertThat(labels("GET", "/apis/apps/v1").subresource()).isEqualTo("/apis/apps/v1");
        assertThat(labels("GET", "/openapi/v3/apis/apps/v1").subresource()).isEqualTo("/openapi/v3/");
        assertThat(labels("GET", "/metrics").subresource()).isEqualTo("/metrics");
    }

    @Test
    void whatTheCellDoesNotServeIsOther() {
        assertThat(labels("GET", "/api/v1/namespaces/default/widgets-" + System.nanoTime()))
                .isEqualTo(resource("GET", "", "", "", "other", ""));
        assertThat(labels("GET", "/apis/made.up.example/v1").subresource()).isEqualTo("other");
        assertThat(labels("GET", "/apis/apps/v9").subresource()).isEqualTo("other");
        assertThat(labels("GET", "/wp-login.php").subresource()).isEqualTo("other");
        assertThat(labels("GET", "/api/v1/namespaces/default/pods/web/made-up").subresource()).isEqualTo("other");
        assertThat(labels("BREW", "/api/v1/namespaces").verb()).isEqualTo("other");
        assertThat(MetricLabels.unrouted("GET")).isEqualTo(new RequestLabels("", "GET", "", "", "", "", "other", "", "apiserver"));
    }
}
