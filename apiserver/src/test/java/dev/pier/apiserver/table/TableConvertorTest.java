package dev.pier.apiserver.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TableConvertorTest {

    @Test
    void nameFirstByDefaultOrLastWhenAsked() {
        TableConvertor normal = TableConvertor.builder().column("Type", o -> "t").age().build();
        assertThat(normal.columns()).extracting(Column::name).containsExactly("Name", "Type", "Age");
        TableConvertor events = TableConvertor.builder().column("Reason", o -> "r").nameLast(1).build();
        assertThat(events.columns()).extracting(Column::name).containsExactly("Reason", "Name");
        assertThat(events.columnDefinitions().get(1).path("priority").asInt()).isEqualTo(1);
        assertThat(events.columnDefinitions().get(1).path("format").asText()).isEqualTo("name");
    }

    @Test
    void cellsKeepTypesAndSurviveBadObjects() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putObject("metadata").put("name", "web");
        TableConvertor t = TableConvertor.builder()
                .integer("Count", x -> 3L)
                .column("Flag", "boolean", 0, x -> true)
                .column("Broken", x -> { throw new IllegalStateException(); })
                .nameCell(x -> "web (default)")
                .build();
        var cells = t.cells(o);
        assertThat(cells.get(0).asText()).isEqualTo("web (default)");
        assertThat(cells.get(1).isNumber()).isTrue();
        assertThat(cells.get(2).isBoolean()).isTrue();
        assertThat(cells.get(3).asText()).isEqualTo("<none>");
    }

    @Test
    void agesReadLikeKubectl() {
        assertThat(Ages.human(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Ages.human(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(Ages.human(Duration.ofSeconds(150))).isEqualTo("2m30s");
        assertThat(Ages.human(Duration.ofMinutes(12))).isEqualTo("12m");
        assertThat(Ages.human(Duration.ofMinutes(185))).isEqualTo("3h5m");
        assertThat(Ages.human(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(Ages.human(Duration.ofHours(52))).isEqualTo("2d4h");
        assertThat(Ages.human(Duration.ofDays(40))).isEqualTo("40d");
        assertThat(Ages.human(Duration.ofDays(365 * 2 + 13))).isEqualTo("2y13d");
        assertThat(Ages.human(Duration.ofDays(365 * 9))).isEqualTo("9y");
        assertThat(Ages.human(Duration.ofSeconds(-1))).isEqualTo("0s");
        assertThat(Ages.human(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
        assertThat(Ages.since("")).isEqualTo("<unknown>");
        assertThat(Ages.between("2024-01-01T00:00:00Z", "2024-01-01T00:10:00Z")).isEqualTo("10m");
        assertThat(Ages.between("", "")).isEmpty();
    }
}
