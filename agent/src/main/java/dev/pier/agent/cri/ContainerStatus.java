package dev.pier.agent.cri;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A container's status. {@code reason} is the runtime's word for how it ended ("Completed",
 * "Error", "OOMKilled"), which the kubelet reports as the terminated state's reason; the times are
 * empty until they happened. {@code logPath} is the absolute path of the container's log file.
 */
public record ContainerStatus(
    String id,
    String name,
    int attempt,
    ContainerState state,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    int exitCode,
    String image,
    String imageRef,
    String reason,
    String message,
    String logPath,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public ContainerStatus {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
