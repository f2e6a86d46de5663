package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The REST JSON as kubectl-style tables, and the ages in them. */
class TablesTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static JsonNode json(String text) throws Exception {
        return PierApi.JSON.readTree(text);
    }

    @Test
    void clustersAlignInColumnsAndShowMissingValuesAsNone() throws Exception {
        JsonNode list = json("""
                {"clusters": [
                  {"name": "prod", "status": "CREATE_COMPLETE", "node_count": 3, "flavor_id": "m1.small",
                   "api_address": "https://127.0.0.1:6443/clusters/prod", "created_at": "2026-01-02T02:04:05Z"},
                  {"name": "a", "status": "CREATE_IN_PROGRESS", "node_count": 0, "flavor_id": "m1.large",
                   "api_address": null, "created_at": "2026-01-02T03:04:00Z"}]}""");
        assertThat(Tables.clusters(list, NOW).render()).isEqualTo("""
                NAME   STATUS               NODES   FLAVOR     API ADDRESS                            AGE
                prod   CREATE_COMPLETE      3       m1.small   https://127.0.0.1:6443/clusters/prod   60m
                a      CREATE_IN_PROGRESS   0       m1.large   <none>                                 5s
                """);
    }

    @Test
    void oneObjectIsATableOfOneRow() throws Exception {
        JsonNode group = json("""
                {"name": "gpu", "status": null, "node_count": 1, "flavor_id": "m1.large", "is_default": false,
                 "created_at": "2026-01-01T03:04:05Z"}""");
        assertThat(Tables.nodeGroups(group, NOW).render()).isEqualTo("""
                NAME   STATUS   NODES   FLAVOR     DEFAULT   AGE
                gpu    <none>   1       m1.large   false     24h
                """);
    }

    @Test
    void eventsNameTheirObjectByKind() throws Exception {
        JsonNode events = json("""
                {"events": [{"timestamp": "2026-01-02T03:03:05Z", "type": "Normal", "reason": "Created",
                  "message": "cell made", "object": {"kind": "Cluster", "name": "prod", "uuid": "u"}}]}""");
        assertThat(Tables.events(events, NOW).render()).isEqualTo("""
                LAST SEEN   TYPE     REASON    OBJECT         MESSAGE
                60s         Normal   Created   cluster/prod   cell made
                """);
    }

    @Test
    void aRowMustFillTheColumns() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one")).hasMessageContaining("1 cells in a table of 2 columns");
    }

    @Test
    void agesUseTheLargestUnitThatReadsWell() {
        assertThat(Age.of(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(Age.of(Duration.ofMinutes(119))).isEqualTo("119m");
        assertThat(Age.of(Duration.ofHours(47))).isEqualTo("47h");
        assertThat(Age.of(Duration.ofDays(9))).isEqualTo("9d");
        assertThat(Age.of(Duration.ofSeconds(-3))).as("a server clock a little ahead").isEqualTo("0s");
        assertThat(Age.since(null, NOW)).isEqualTo("<unknown>");
        assertThat(Age.since("yesterday", NOW)).isEqualTo("<unknown>");
    }
}
