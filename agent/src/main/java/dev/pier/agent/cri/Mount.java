package dev.pier.agent.cri;

import java.util.Objects;

/** A bind mount of a node path into a container. */
public record Mount(String containerPath, String hostPath, boolean readOnly, Propagation propagation) {
  /** Mount propagation, as {@code volumeMounts[].mountPropagation}. */
  public enum Propagation { PRIVATE, HOST_TO_CONTAINER, BIDIRECTIONAL }

  public Mount {
    Objects.requireNonNull(containerPath, "containerPath");
    Objects.requireNonNull(hostPath, "hostPath");
    Objects.requireNonNull(propagation, "propagation");
  }

  public static Mount of(String hostPath, String containerPath, boolean readOnly) {
    return new Mount(containerPath, hostPath, readOnly, Propagation.PRIVATE);
  }
}
