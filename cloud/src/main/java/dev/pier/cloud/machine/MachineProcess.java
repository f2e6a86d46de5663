package dev.pier.cloud.machine;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A program a machine runs besides its container runtime (its {@code pier agent}): started in
 * the machine's network namespace once the runtime answers, supervised like it, and stopped with
 * the machine. Its output goes to {@code logs/<name>.log} in the machine's directory.
 *
 * <p>Its environment describes the machine (see {@link #environment}), as a cloud's instance
 * metadata does: a program learns its address, pod network and runtime socket from there, since
 * they are only known once the provider has made the machine.
 */
public record MachineProcess(String name, List<String> command, Map<String, String> env) {
  public MachineProcess {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("process name must be lower-case letters, digits and '-', was '" + name + "'");
    }
    command = List.copyOf(command);
    if (command.isEmpty()) throw new IllegalArgumentException("process " + name + " has no command");
    env = Map.copyOf(env);
  }

  /** The variables every machine process gets, named {@code PIER_MACHINE_*}. */
  public static Map<String, String> environment(Machine m) {
    return Map.of(
        "PIER_MACHINE_NAME", m.name(),
        "PIER_MACHINE_ADDRESS", m.address(),
        "PIER_MACHINE_POD_CIDR", m.podCidr().toString(),
        "PIER_MACHINE_POD_NETWORK", m.podNetwork().toString(),
        "PIER_MACHINE_HOST_ADDRESS", m.hostAddress(),
        "PIER_MACHINE_RUNTIME_SOCKET", m.runtimeSocket().toString(),
        "PIER_MACHINE_POD_CGROUP_PARENT", m.podCgroupParent(),
        "PIER_MACHINE_DIR", m.nodeDir().toString());
  }
}
