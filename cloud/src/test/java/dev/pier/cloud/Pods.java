package dev.pier.cloud;

import dev.pier.agent.cri.ContainerSpec;
import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.ContainerStatus;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.PodMetadata;
import dev.pier.agent.cri.PodSandboxSpec;
import dev.pier.cloud.machine.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Runs pods on a machine through CRI the way a kubelet lays them out (log directory, cgroup parent). */
final class Pods {
  private final Machine machine;
  private final CriClient cri;

  Pods(Machine machine, CriClient cri) {
    this.machine = machine;
    this.cri = cri;
  }

  record RunningPod(String sandboxId, PodSandboxSpec spec, String ip) {}

  RunningPod run(String name) {
    String uid = UUID.randomUUID().toString();
    PodSandboxSpec spec = PodSandboxSpec.builder(new PodMetadata(name, uid, "default", 0))
        .logDirectory(machine.nodeDir().resolve("pods").resolve("default_" + name + "_" + uid).toString())
        .cgroupParent(machine.podCgroupParent() + "/pod" + uid)
        .label("test", "node-stack")
        .build();
    String id = cri.runPodSandbox(spec);
    return new RunningPod(id, spec, cri.podSandboxStatus(id).ip());
  }

  /** Pulls the image (through the machine's registry mirror) and starts a container in the pod. */
  String start(RunningPod pod, String name, String image, UnaryOperator<ContainerSpec.Builder> options) {
    String ref = cri.pullImage(image, Optional.empty());
    ContainerSpec spec = options.apply(ContainerSpec.builder(name, ref).logPath(name + "/0.log")).build();
    String id = cri.createContainer(pod.sandboxId(), spec, pod.spec());
    cri.startContainer(id);
    return id;
  }

  ContainerStatus awaitExit(String containerId, Duration timeout) {
    Await.until(timeout, () -> "container " + containerId + " to exit: " + cri.containerStatus(containerId),
        () -> cri.containerStatus(containerId).state() == ContainerState.EXITED);
    return cri.containerStatus(containerId);
  }

  static String log(ContainerStatus status) {
    try {
      return Files.readString(Path.of(status.logPath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void remove(RunningPod pod) {
    cri.stopPodSandbox(pod.sandboxId());
    cri.removePodSandbox(pod.sandboxId());
  }
}
