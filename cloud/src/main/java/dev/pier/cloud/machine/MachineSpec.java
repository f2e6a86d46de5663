package dev.pier.cloud.machine;

import java.util.List;
import java.util.Objects;

/**
 * What to create: a machine's name (a DNS label, unique within the installation; the node's name)
 * and the programs it runs besides its container runtime.
 */
public record MachineSpec(String name, List<MachineProcess> processes) {
  /** Machine names become parts of namespace, cgroup and directory names: keep them short and plain. */
  public static final int MAX_NAME_LENGTH = 40;

  public MachineSpec {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?") || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("machine name must be a DNS label of at most "
          + MAX_NAME_LENGTH + " characters, was '" + name + "'");
    }
    processes = List.copyOf(processes);
    if (processes.stream().map(MachineProcess::name).distinct().count() != processes.size()) {
      throw new IllegalArgumentException("process names of machine " + name + " repeat: " + processes);
    }
    if (processes.stream().anyMatch(p -> p.name().equals("containerd"))) {
      throw new IllegalArgumentException("'containerd' is the runtime's own process name");
    }
  }

  public static MachineSpec named(String name) {
    return new MachineSpec(name, List.of());
  }
}
