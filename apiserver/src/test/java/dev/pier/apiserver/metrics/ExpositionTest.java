package dev.pier.apiserver.metrics;

import dev.pier.storage.KeyValueStore;
import dev.pier.storage.sqlite.SqliteStore;
import io.prometheus.metrics.core.metrics.Counter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rendering a registry whole (the admins' view) and narrowed to one cell (a tenant's view). */
class ExpositionTest {
    @TempDir
    Path dir;

    private static RequestLabels list(String cell, String resource) {
        return new RequestLabels(cell, "LIST", "", "", "v1", resource, "", "namespace", RequestLabels.APISERVER);
    }

    /** Series of cells a and b, series of no cell, a family only b has, and one registered by another component. */
    private Metrics populated() {
        Metrics metrics = Metrics.create();
        metrics.api().requestDone(list("a", "configmaps"), 200, 3_000_000);
        metrics.api().requestDone(list("a", "configmaps"), 200, 70_000_000);
        metrics.api().requestDone(list("b", "secrets"), 200, 1_000_000);
        metrics.api().watchEvent("b", "apps", "v1", "Deployment"); // a family only b has
        try (KeyValueStore kv = metrics.storage().instrument(SqliteStore.open(dir.resolve("state.db")))) {
            kv.create("/registry/a/core/configmaps/default/one", "{}".getBytes());
            kv.create("/registry/b/core/secrets/default/two", "{}".getBytes());
        }
        ControllerMetrics.WorkQueue queue = metrics.controllers().workQueue("namespace");
        queue.added("a");
        queue.added(""); // work of no cell
        Counter custom = Counter.builder().name("pier_test_things_total").help("Things.")
                .labelNames(Metrics.CELL, "kind").register(metrics.registry());
        custom.labelValues("a", "x").inc();
        custom.labelValues("b", "y").inc();
        return metrics;
    }

    @Test
    void aCellSeesItsOwnSeriesAndNothingElse() {
        Samples a = Samples.parse(Exposition.ofCell(populated().registry(), "a"));

        assertThat(a.all()).isNotEmpty().allSatisfy(s -> assertThat(s.labels()).containsEntry(Metrics.CELL, "a"));
        assertThat(a.value("apiserver_request_total", Map.of("verb", "LIST", "resource", "configmaps", "code", "200",
                "scope", "namespace", "component", "apiserver", "version", "v1"))).isEqualTo(2.0);
        assertThat(a.value("etcd_request_duration_seconds_count", Map.of("operation", "create", "type", "configmaps"))).isEqualTo(1.0);
        assertThat(a.value("workqueue_adds_total", Map.of("name", "namespace"))).isEqualTo(1.0);
        assertThat(a.value("pier_test_things_total", Map.of("kind", "x"))).isEqualTo(1.0);
        // families with no point of a are not even named, and nothing of the process or the JVM is shown
        assertThat(a.families()).doesNotContain("apiserver_watch_events_total")
                .noneMatch(f -> f.startsWith("jvm_") || f.startsWith("process_"));
    }

    @Test
    void theOtherCellIsNarrowedTheSameWay() {
        Samples b = Samples.parse(Exposition.ofCell(populated().registry(), "b"));

        assertThat(b.all()).isNotEmpty().allSatisfy(s -> assertThat(s.labels()).containsEntry(Metrics.CELL, "b"));
        assertThat(b.value("apiserver_watch_events_total", Map.of("kind", "Deployment"))).isEqualTo(1.0);
        assertThat(b.find("apiserver_request_total", Map.of("resource", "configmaps"))).isEmpty();
        assertThat(b.find("workqueue_adds_total", Map.of())).isEmpty();
    }

    @Test
    void theAdminsSeeEverySeriesIncludingTheProcess() {
        Samples all = Samples.parse(Exposition.all(populated().registry()));

        assertThat(all.find("apiserver_request_total", Map.of(Metrics.CELL, "a"))).hasSize(1);
        assertThat(all.find("apiserver_request_total", Map.of(Metrics.CELL, "b"))).hasSize(1);
        assertThat(all.value("workqueue_adds_total", Map.of(Metrics.CELL, ""))).isEqualTo(1.0);
        assertThat(all.families()).contains("process_cpu_seconds_total", "jvm_memory_used_bytes", "pier_test_things_total");
    }

    @Test
    void requestLatencyUsesKubernetesBuckets() {
        Samples a = Samples.parse(Exposition.ofCell(populated().registry(), "a"));

        List<Samples.Sample> buckets = a.find("apiserver_request_duration_seconds_bucket", Map.of("resource", "configmaps"));
        assertThat(buckets.stream().map(s -> s.labels().get("le")).map(le -> le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le)))
                .containsExactlyElementsOf(concat(ApiMetrics.REQUEST_BUCKETS, Double.POSITIVE_INFINITY));
        // 3 ms falls in the first bucket (5 ms), 70 ms in the 100 ms one
        assertThat(a.value("apiserver_request_duration_seconds_bucket", Map.of("le", "0.005"))).isEqualTo(1.0);
        assertThat(a.value("apiserver_request_duration_seconds_bucket", Map.of("le", "0.1"))).isEqualTo(2.0);
        assertThat(a.value("apiserver_request_duration_seconds_sum", Map.of())).isCloseTo(0.073, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aCellNeedsAName() {
        Metrics metrics = Metrics.create();
        assertThatThrownBy(() -> Exposition.ofCell(metrics.registry(), "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void controllerSeriesCountAddsTakesAndRetries() {
        Metrics metrics = Metrics.create();
        ControllerMetrics.WorkQueue queue = metrics.controllers().workQueue("deployment");
        queue.added("a");
        queue.depth("a", 1);
        queue.added("a");
        queue.depth("a", 2);
        queue.taken("a", Duration.ofMillis(2));
        queue.depth("a", 1);
        queue.done("a", Duration.ofMillis(5));
        queue.retried("a");
        metrics.controllers().scheduleAttempt("a", ControllerMetrics.ScheduleResult.UNSCHEDULABLE, Duration.ofMillis(3));
        metrics.controllers().scheduleAttempt("a", ControllerMetrics.ScheduleResult.SCHEDULED, Duration.ofMillis(4));
        metrics.controllers().podScheduled("a", 2, Duration.ofMillis(40));
        metrics.controllers().podScheduled("a", 40, Duration.ofMinutes(3));

        Samples a = Samples.parse(Exposition.ofCell(metrics.registry(), "a"));
        Map<String, String> q = Map.of("name", "deployment");
        assertThat(a.value("workqueue_depth", q)).isEqualTo(1.0);
        assertThat(a.value("workqueue_adds_total", q)).isEqualTo(2.0);
        assertThat(a.value("workqueue_retries_total", q)).isEqualTo(1.0);
        assertThat(a.value("workqueue_queue_duration_seconds_count", q)).isEqualTo(1.0);
        assertThat(a.value("workqueue_work_duration_seconds_sum", q)).isEqualTo(0.005);
        assertThat(a.value("scheduler_schedule_attempts_total", Map.of("result", "unschedulable", "profile", "default-scheduler"))).isEqualTo(1.0);
        assertThat(a.value("scheduler_schedule_attempts_total", Map.of("result", "scheduled"))).isEqualTo(1.0);
        assertThat(a.value("scheduler_scheduling_attempt_duration_seconds_sum", Map.of("result", "scheduled"))).isEqualTo(0.004);
        assertThat(a.value("scheduler_pod_scheduling_duration_seconds_count", Map.of("attempts", "2"))).isEqualTo(1.0);
        assertThat(a.value("scheduler_pod_scheduling_duration_seconds_count", Map.of("attempts", "15+"))).isEqualTo(1.0);
        assertThatThrownBy(() -> metrics.controllers().workQueue(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Double> concat(double[] bounds, double last) {
        List<Double> all = new java.util.ArrayList<>(Arrays.stream(bounds).boxed().toList());
        all.add(last);
        return all;
    }
}
