package dev.pier.cloud.machine;

import java.util.Map;

/**
 * How a machine is doing: {@code restarts} counts, per supervised program (containerd and the
 * spec's processes), the times it died and was started again.
 */
public record MachineStatus(String name, State state, Map<String, Integer> restarts) {
  public enum State {
    /** Its runtime and programs run. */
    RUNNING,
    /** Some program of it is down and being restarted. */
    DEGRADED,
    /** Known (its data is kept) but not running: after the provider was closed, until created again. */
    STOPPED
  }

  public MachineStatus {
    restarts = Map.copyOf(restarts);
  }
}
