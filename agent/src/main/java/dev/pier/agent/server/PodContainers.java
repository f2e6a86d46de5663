package dev.pier.agent.server;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.ContainerFilter;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.Sandbox;
import dev.pier.agent.cri.SandboxFilter;
import dev.pier.agent.cri.SandboxState;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a pod's containers and sandbox in the runtime by the labels the kubelet puts on them
 * ({@code io.kubernetes.pod.name}, {@code io.kubernetes.pod.namespace},
 * {@code io.kubernetes.container.name}): the pod runner and this server share only that contract.
 * The current attempt of a container is its newest; the one before it is the previous attempt.
 */
final class PodContainers {
  static final String POD_NAME = "io.kubernetes.pod.name";
  static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String POD_UID = "io.kubernetes.pod.uid";
  static final String CONTAINER_NAME = "io.kubernetes.container.name";

  private static final Comparator<Container> NEWEST_FIRST =
      Comparator.comparing(Container::createdAt).thenComparing(Container::attempt).reversed();

  private final CriClient cri;

  PodContainers(CriClient cri) {
    this.cri = cri;
  }

  /** The container's attempts, newest first; empty when the runtime has none. */
  List<Container> attempts(String namespace, String pod, String container) {
    return cri.listContainers(ContainerFilter.labels(Map.of(POD_NAMESPACE, namespace, POD_NAME, pod, CONTAINER_NAME, container)))
        .stream().sorted(NEWEST_FIRST).toList();
  }

  Optional<Container> current(String namespace, String pod, String container) {
    return attempts(namespace, pod, container).stream().findFirst();
  }

  /** The pod's ready sandbox (the newest, should a restarted pod have left an old one). */
  Optional<Sandbox> sandbox(String namespace, String pod) {
    return cri.listPodSandboxes(SandboxFilter.labels(Map.of(POD_NAMESPACE, namespace, POD_NAME, pod)).withState(SandboxState.READY))
        .stream().max(Comparator.comparing(Sandbox::createdAt));
  }
}
