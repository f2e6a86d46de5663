package dev.pier.cloud.cluster;

import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineStatus;
import java.util.Map;
import java.util.Optional;

/**
 * The machines clusters' nodes run on: made by a machine provider, each running an agent that joins its
 * cluster. A server without a machine provider has none ({@link #NONE}): machines then wait, saying why.
 */
public interface NodeMachines {
  NodeMachines NONE = new NodeMachines() {
    @Override
    public Optional<String> unavailable() {
      return Optional.of("this server has no machine provider: run pier up, or pier server as root with --machines local");
    }

    @Override
    public Machine create(String cluster, String name, Map<String, String> nodeLabels) {
      throw new IllegalStateException(unavailable().orElseThrow());
    }

    @Override
    public void delete(String name) {}

    @Override
    public Optional<MachineStatus> status(String name) {
      return Optional.empty();
    }
  };

  /** Why machines cannot be made here, or empty when they can. */
  Optional<String> unavailable();

  /**
   * Creates the machine (or brings a stopped one back with its data) with an agent joining {@code cluster} as
   * node {@code name}; returns once the machine's runtime answers.
   */
  Machine create(String cluster, String name, Map<String, String> nodeLabels);

  /** Removes the machine and everything of it; quiet about unknown names. */
  void delete(String name);

  Optional<MachineStatus> status(String name);
}
