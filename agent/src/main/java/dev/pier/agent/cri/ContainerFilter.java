package dev.pier.agent.cri;

import java.util.Map;
import java.util.Optional;

/** Selects containers in {@link CriClient#listContainers}: all given parts must match. */
public record ContainerFilter(
    Optional<String> id,
    Optional<ContainerState> state,
    Optional<String> sandboxId,
    Map<String, String> labels) {

  public static final ContainerFilter ALL =
      new ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());

  public ContainerFilter {
    labels = Map.copyOf(labels);
  }

  public static ContainerFilter inSandbox(String sandboxId) {
    return new ContainerFilter(Optional.empty(), Optional.empty(), Optional.of(sandboxId), Map.of());
  }

  public static ContainerFilter labels(Map<String, String> labels) {
    return new ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), labels);
  }

  public ContainerFilter withState(ContainerState state) {
    return new ContainerFilter(id, Optional.of(state), sandboxId, labels);
  }
}
