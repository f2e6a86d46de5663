package dev.pier.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerExitsTest {
    @Test
    void exitDelaysAreGoStyleDurations() {
        assertThat(ContainerExits.duration("0s")).isEqualTo(Duration.ZERO);
        assertThat(ContainerExits.duration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ContainerExits.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ContainerExits.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ContainerExits.duration("1.5h")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[]{"", "2", "s", "2 s", "2x", "1m 30s", "-1s"}) {
            assertThatThrownBy(() -> ContainerExits.duration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
