package dev.pier.agent.cri;

import java.util.List;

/**
 * The runtime's conditions. The kubelet reports its Node Ready only when both
 * {@code RuntimeReady} and {@code NetworkReady} hold (the latter needs a CNI configuration).
 */
public record RuntimeStatus(List<Condition> conditions) {
  public record Condition(String type, boolean status, String reason, String message) {}

  public RuntimeStatus {
    conditions = List.copyOf(conditions);
  }

  public boolean runtimeReady() {
    return holds("RuntimeReady");
  }

  public boolean networkReady() {
    return holds("NetworkReady");
  }

  private boolean holds(String type) {
    return conditions.stream().anyMatch(c -> c.type().equals(type) && c.status());
  }
}
