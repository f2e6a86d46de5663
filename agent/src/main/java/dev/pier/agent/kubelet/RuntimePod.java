package dev.pier.agent.kubelet;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.Sandbox;
import dev.pier.agent.cri.SandboxState;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime holds of one pod: its sandboxes (the current one and older, dead ones) and
 * their containers, every attempt. Read from the runtime, not remembered, so that an agent that
 * restarts knows exactly what a running one would.
 */
record RuntimePod(String uid, List<Sandbox> sandboxes, List<Container> containers) {
  static final Comparator<Container> NEWEST_FIRST =
      Comparator.comparingInt(Container::attempt).thenComparing(Container::createdAt).reversed();

  RuntimePod {
    sandboxes = List.copyOf(sandboxes);
    containers = List.copyOf(containers);
  }

  static RuntimePod empty(String uid) {
    return new RuntimePod(uid, List.of(), List.of());
  }

  boolean isEmpty() {
    return sandboxes.isEmpty() && containers.isEmpty();
  }

  /** The newest sandbox, ready or not. */
  Optional<Sandbox> latestSandbox() {
    return sandboxes.stream().max(Comparator.comparingInt((Sandbox s) -> s.metadata().attempt())
        .thenComparing(Sandbox::createdAt));
  }

  Optional<Sandbox> readySandbox() {
    return latestSandbox().filter(s -> s.state() == SandboxState.READY);
  }

  int nextSandboxAttempt() {
    return latestSandbox().map(s -> s.metadata().attempt() + 1).orElse(0);
  }

  /** Every attempt of a container in one sandbox, newest first. */
  List<Container> attempts(String sandboxId, String name) {
    return containers.stream()
        .filter(c -> c.sandboxId().equals(sandboxId) && name.equals(c.labels().get(CriLabels.CONTAINER_NAME)))
        .sorted(NEWEST_FIRST)
        .toList();
  }

  /** Every attempt of a container across sandboxes, newest first (restart counts survive a new sandbox). */
  List<Container> allAttempts(String name) {
    return containers.stream()
        .filter(c -> name.equals(c.labels().get(CriLabels.CONTAINER_NAME)))
        .sorted(NEWEST_FIRST)
        .toList();
  }

  /** A fingerprint of the states, to tell whether anything changed between two relists. */
  String fingerprint() {
    StringBuilder sb = new StringBuilder();
    sandboxes.stream().sorted(Comparator.comparing(Sandbox::id))
        .forEach(s -> sb.append(s.id()).append(':').append(s.state()).append(';'));
    containers.stream().sorted(Comparator.comparing(Container::id))
        .forEach(c -> sb.append(c.id()).append(':').append(c.state()).append(';'));
    return sb.toString();
  }
}
