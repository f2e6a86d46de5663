package dev.pier.cloud.machine;

import dev.pier.cloud.host.SupervisedProcess;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A machine the provider started: its layout, its runtime and its other programs (by name). */
record RunningMachine(MachineLayout layout, SupervisedProcess runtime, Map<String, SupervisedProcess> processes) {

  Machine machine() {
    return LocalMachineProvider.machine(layout);
  }

  MachineStatus status() {
    Map<String, Integer> restarts = new HashMap<>();
    restarts.put("containerd", runtime.restarts());
    processes.forEach((name, p) -> restarts.put(name, p.restarts()));
    boolean allUp = runtime.running() && processes.values().stream().allMatch(SupervisedProcess::running);
    return new MachineStatus(layout.name(), allUp ? MachineStatus.State.RUNNING : MachineStatus.State.DEGRADED, restarts);
  }

  List<SupervisedProcess> programs() {
    return List.copyOf(processes.values());
  }
}
