package dev.pier.agent.kubelet;

/** A pod's volume cannot be set up (yet): the pod waits in ContainerCreating with a FailedMount event. */
sealed class VolumeException extends Exception permits VolumeNotReadyException {
  VolumeException(String message) {
    super(message);
  }

  VolumeException(String message, Throwable cause) {
    super(message, cause);
  }
}
