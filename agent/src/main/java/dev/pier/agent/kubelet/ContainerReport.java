package dev.pier.agent.kubelet;

import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.ContainerStatus;
import java.util.Optional;

/**
 * What the agent knows of one container of a pod for its status: the runtime's current and
 * previous attempt, why it waits (when it does), and the probes' verdicts.
 *
 * @param waiting a reason that overrides the runtime's state (ErrImagePull, CrashLoopBackOff, ...)
 */
record ContainerReport(
    String name,
    String image,
    Optional<ContainerStatus> current,
    Optional<ContainerStatus> previous,
    Optional<Waiting> waiting,
    boolean ready,
    boolean started,
    int restartCount,
    String terminationMessage) {

  record Waiting(String reason, String message) {}

  boolean running() {
    return current.map(c -> c.state() == ContainerState.RUNNING).orElse(false);
  }

  boolean exited() {
    return current.map(c -> c.state() == ContainerState.EXITED).orElse(false);
  }

  boolean succeeded() {
    return exited() && current.get().exitCode() == 0;
  }
}
