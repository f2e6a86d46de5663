package dev.pier.agent.kubelet;

/**
 * A container cannot be made from its spec as it stands (a missing ConfigMap key, a root image
 * under runAsNonRoot): the pod shows {@code CreateContainerConfigError} with this message and the
 * agent tries again on the next sync, since the missing object may yet appear.
 */
final class ContainerConfigException extends Exception {
  ContainerConfigException(String message) {
    super(message);
  }
}
