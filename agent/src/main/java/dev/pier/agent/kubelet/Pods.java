package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/** Small readings of a pod spec that several parts of the agent need. */
final class Pods {
  private Pods() {}

  static List<Container> initContainers(Pod pod) {
    return pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
  }

  static List<Container> containers(Pod pod) {
    return pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
  }

  static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>(initContainers(pod));
    all.addAll(containers(pod));
    return all;
  }

  static String restartPolicy(Pod pod) {
    String p = pod.getSpec().getRestartPolicy();
    return p == null ? "Always" : p;
  }

  /** An init container with {@code restartPolicy: Always} is a sidecar: it keeps running beside the main ones. */
  static boolean isSidecar(Container c) {
    return "Always".equals(c.getRestartPolicy());
  }

  static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static String fullName(Pod pod) {
    return pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid() + ")";
  }

  static long gracePeriodSeconds(Pod pod) {
    Long g = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (g == null) g = pod.getSpec().getTerminationGracePeriodSeconds();
    return g == null ? 30 : Math.max(0, g);
  }
}
