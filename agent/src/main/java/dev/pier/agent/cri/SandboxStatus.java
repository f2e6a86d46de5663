package dev.pier.agent.cri;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A sandbox's status: {@code ip} is the pod IP CNI gave it (empty with the node's network), and
 * {@code additionalIps} the others (dual stack).
 */
public record SandboxStatus(
    String id,
    PodMetadata metadata,
    SandboxState state,
    Instant createdAt,
    String ip,
    List<String> additionalIps,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public SandboxStatus {
    additionalIps = List.copyOf(additionalIps);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
