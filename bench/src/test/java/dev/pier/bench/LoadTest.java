package dev.pier.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class LoadTest {

    @Test
    void runsEachIndexOnceAndSplitsSuccessesFromFailures() throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        Load.Result r = Load.run(8, 100, Duration.ofSeconds(30), (i, tally) -> {
            assertThat(seen.add(i)).isTrue();
            if (i % 10 == 0) return 500;
            if (i % 10 == 1) throw new IllegalStateException("boom " + i);
            if (i % 10 == 2) tally.conflicts.increment();
            return 201;
        });
        assertThat(seen).hasSize(100);
        assertThat(r.ok()).isEqualTo(80);
        assertThat(r.latency().count()).isEqualTo(80);
        assertThat(r.tally().failures()).isEqualTo(20);
        assertThat(r.tally().conflicts.sum()).isEqualTo(10);
        assertThat(r.tally().describe()).isEqualTo("500x10 exceptions x10");
        assertThat(r.tally().firstError.get()).startsWith("java.lang.IllegalStateException: boom");
        assertThat(r.timedOut()).isFalse();
        assertThat(r.opsPerSecond()).isPositive();
    }

    @Test
    void stopsTakingWorkAtTheTimeLimit() throws Exception {
        Load.Result r = Load.run(2, 1_000_000, Duration.ofMillis(200), (i, tally) -> {
            Thread.sleep(5);
            return 200;
        });
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isLessThan(1_000_000).isPositive();
    }

    @Test
    void readsTheFirstResourceVersion() {
        byte[] body = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"42\"},\"data\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Api.resourceVersion(body)).isEqualTo("42");
        assertThat(Api.resourceVersion("{}".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void requestBodiesAreValidJsonWithTheFieldsTheApiNeeds() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var cm = json.readTree(Bench.configMap("cm-1", "7", 3));
        assertThat(cm.at("/metadata/name").asText()).isEqualTo("cm-1");
        assertThat(cm.at("/metadata/resourceVersion").asText()).isEqualTo("7");
        assertThat(cm.at("/data/generation").asText()).isEqualTo("3");
        assertThat(json.readTree(Bench.configMap("cm-1", null, 0)).at("/metadata/resourceVersion").isMissingNode()).isTrue();
        var pod = json.readTree(Bench.pod("pod-00001"));
        assertThat(pod.at("/spec/containers/0/name").asText()).isEqualTo("app");
        assertThat(pod.at("/spec/containers/0/image").asText()).isNotEmpty();
    }
}
