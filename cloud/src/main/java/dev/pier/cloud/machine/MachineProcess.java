package dev.pier.cloud.machine;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A program a machine runs besides its container runtime (its {@code pier agent}): started in
 * the machine's network namespace once the runtime answers, supervised like it, and stopped with
 * the machine. Its output goes to {@code logs/<name>.log} in the machine's directory.
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
}
