package dev.pier.agent.kubelet;

/**
 * The labels and annotations the kubelet puts on sandboxes and containers, so that the runtime's
 * objects say which pod and container they are. Everything that reads the runtime (the agent after
 * a restart, its log and exec server) finds pods by these.
 */
final class CriLabels {
  static final String POD_NAME = "io.kubernetes.pod.name";
  static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String POD_UID = "io.kubernetes.pod.uid";
  static final String CONTAINER_NAME = "io.kubernetes.container.name";
  static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
  static final String TERMINATION_GRACE = "io.kubernetes.pod.terminationGracePeriod";
  /** Set on init containers, so a restarted agent tells them from the pod's main containers. */
  static final String INIT_CONTAINER = "pier.dev/init-container";

  private CriLabels() {}
}
