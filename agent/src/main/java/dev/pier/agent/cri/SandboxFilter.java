package dev.pier.agent.cri;

import java.util.Map;
import java.util.Optional;

/** Selects sandboxes in {@link CriClient#listPodSandboxes}: all given parts must match. */
public record SandboxFilter(Optional<String> id, Optional<SandboxState> state, Map<String, String> labels) {
  public static final SandboxFilter ALL = new SandboxFilter(Optional.empty(), Optional.empty(), Map.of());

  public SandboxFilter {
    labels = Map.copyOf(labels);
  }

  public static SandboxFilter labels(Map<String, String> labels) {
    return new SandboxFilter(Optional.empty(), Optional.empty(), labels);
  }

  public SandboxFilter withState(SandboxState state) {
    return new SandboxFilter(id, Optional.of(state), labels);
  }
}
