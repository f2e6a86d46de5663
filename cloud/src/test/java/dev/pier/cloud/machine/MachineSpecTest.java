package dev.pier.cloud.machine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineSpecTest {
  @Test
  void namesMustBeShortDnsLabels() {
    assertThatThrownBy(() -> MachineSpec.named("Node_1")).hasMessageContaining("DNS label");
    assertThatThrownBy(() -> MachineSpec.named("-a")).hasMessageContaining("DNS label");
    assertThatThrownBy(() -> MachineSpec.named("a".repeat(41))).hasMessageContaining("40");
  }

  @Test
  void processNamesAreUniqueAndNotContainerd() {
    var agent = new MachineProcess("agent", List.of("pier", "agent"), Map.of());
    assertThatThrownBy(() -> new MachineSpec("n", List.of(agent, agent))).hasMessageContaining("repeat");
    assertThatThrownBy(() -> new MachineSpec("n", List.of(new MachineProcess("containerd", List.of("x"), Map.of()))))
        .hasMessageContaining("runtime's own");
    assertThatThrownBy(() -> new MachineProcess("agent", List.of(), Map.of())).hasMessageContaining("no command");
  }
}
