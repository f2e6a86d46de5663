package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.metrics.Exposition;
import dev.pier.apiserver.metrics.Metrics;
import dev.pier.apiserver.metrics.RequestLabels;
import dev.pier.apiserver.metrics.Samples;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may read /metrics, what each cell's endpoint shows, and what a metered watch records. */
class MetricsEndpointTest {
    private static final UserInfo ADMIN = new UserInfo("admin", List.of("system:masters", "system:authenticated"));
    private static final UserInfo MONITOR = new UserInfo("prometheus", List.of("system:monitoring", "system:authenticated"));
    private static final UserInfo DEVELOPER = new UserInfo("dev", List.of("developers", "system:authenticated"));

    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static Cell tenant;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        tenant = cells.createTenant("team-a");
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    private static Metrics metricsOfTwoCells() {
        Metrics metrics = Metrics.create();
        for (String cell : List.of("team-a", "team-b", Cells.MANAGEMENT)) {
            metrics.api().requestDone(new RequestLabels(cell, "GET", "", "", "", "", "/version", "", "apiserver"), 200, 1000);
        }
        return metrics;
    }

    private static FakeCall get(UserInfo user) {
        return new FakeCall("GET", "/metrics", Map.of(), Map.of(), user);
    }

    @Test
    void theManagementAdminsSeeEveryCellAndTheProcess() {
        FakeCall call = get(ADMIN);
        MetricsEndpoint.serve(call, cells.management(), metricsOfTwoCells());

        assertThat(call.status).isEqualTo(200);
        assertThat(call.contentType).isEqualTo(Exposition.CONTENT_TYPE);
        Samples all = Samples.parse(call.body.toByteArray());
        assertThat(all.all()).extracting(s -> s.labels().get(Metrics.CELL)).contains("team-a", "team-b", Cells.MANAGEMENT);
        assertThat(all.families()).contains("process_cpu_seconds_total");
    }

    @Test
    void aTenantSeesOnlyItsOwnCell() {
        FakeCall call = get(MONITOR);
        MetricsEndpoint.serve(call, tenant, metricsOfTwoCells());

        assertThat(call.status).isEqualTo(200);
        Samples mine = Samples.parse(call.body.toByteArray());
        assertThat(mine.all()).isNotEmpty().allSatisfy(s -> assertThat(s.labels()).containsEntry(Metrics.CELL, "team-a"));
    }

    @Test
    void othersAreForbiddenAndOnlyGetIsServed() {
        assertThatThrownBy(() -> MetricsEndpoint.serve(get(DEVELOPER), cells.management(), metricsOfTwoCells()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo("forbidden: User \"dev\" cannot get path \"/metrics\"");
                });
        assertThatThrownBy(() -> MetricsEndpoint.serve(get(null), tenant, metricsOfTwoCells()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
        assertThatThrownBy(() -> MetricsEndpoint.serve(new FakeCall("DELETE", "/metrics", Map.of(), Map.of(), ADMIN), tenant, metricsOfTwoCells()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(405));
    }

    @Test
    void aMeteredWatchCountsItsEventsAndUnregistersWhenItEnds() {
        Metrics metrics = Metrics.create();
        FakeCall watch = new FakeCall("GET", "/api/v1/namespaces/default/pods", Map.of("watch", List.of("true")), Map.of(), ADMIN);
        RequestLabels labels = MetricLabels.of(tenant, watch);
        MeteredCall call = new MeteredCall(watch, metrics.api(), labels, "Pod");

        call.startStream("application/json");
        call.write("{\"type\":\"ADDED\"}\n".getBytes());
        call.write("{\"type\":\"MODIFIED\"}\n".getBytes());
        Samples during = Samples.parse(Exposition.ofCell(metrics.registry(), "team-a"));
        call.endStream();
        call.finish();
        Samples after = Samples.parse(Exposition.ofCell(metrics.registry(), "team-a"));

        Map<String, String> pods = Map.of("group", "", "version", "v1", "kind", "Pod");
        assertThat(during.value("apiserver_registered_watchers", pods)).isEqualTo(1.0);
        assertThat(during.value("apiserver_longrunning_requests", Map.of("verb", "WATCH", "resource", "pods", "scope", "namespace"))).isEqualTo(1.0);
        assertThat(after.value("apiserver_registered_watchers", pods)).isEqualTo(0.0);
        assertThat(after.value("apiserver_longrunning_requests", Map.of("verb", "WATCH"))).isEqualTo(0.0);
        assertThat(after.value("apiserver_watch_events_total", pods)).isEqualTo(2.0);
        assertThat(after.value("apiserver_request_total", Map.of("verb", "WATCH", "resource", "pods", "code", "200"))).isEqualTo(1.0);
        assertThat(watch.chunks).hasSize(2);
        assertThat(watch.streamEnded).isTrue();
    }

    @Test
    void aRequestThatNeverAnsweredIsNotCounted() {
        Metrics metrics = Metrics.create();
        FakeCall gone = FakeCall.of("GET", "/api/v1/namespaces");
        new MeteredCall(gone, metrics.api(), MetricLabels.of(tenant, gone), "Namespace").finish();

        assertThat(Samples.parse(Exposition.ofCell(metrics.registry(), "team-a")).find("apiserver_request_total", Map.of())).isEmpty();
    }
}
