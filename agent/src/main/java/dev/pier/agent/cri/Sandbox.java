package dev.pier.agent.cri;

import java.time.Instant;
import java.util.Map;

/** A sandbox as ListPodSandbox reports it. */
public record Sandbox(
    String id,
    PodMetadata metadata,
    SandboxState state,
    Instant createdAt,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public Sandbox {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
