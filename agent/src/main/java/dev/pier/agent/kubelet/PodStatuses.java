package dev.pier.agent.kubelet;

import dev.pier.agent.cri.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pod's status as the kubelet reports it, from what the runtime shows: phase, the four
 * conditions, IPs, start time and one status per container with its state, last state, restart
 * count, readiness and image.
 */
final class PodStatuses {
  private PodStatuses() {}

  /** Everything a pod's status is made from. */
  record Observed(
      List<ContainerReport> init,
      List<ContainerReport> main,
      String podIp,
      boolean sandboxReady,
      boolean initDone,
      boolean initFailed) {}

  static PodStatus build(Pod pod, Observed o, String nodeIp, Clock clock) {
    PodStatus previous = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    String now = time(clock.instant());
    PodStatus s = new PodStatus();
    String phase = phase(pod, o);
    s.setPhase(phase);
    s.setHostIP(nodeIp);
    s.setHostIPs(List.of(new HostIP(nodeIp)));
    if (o.podIp() != null && !o.podIp().isEmpty()) {
      s.setPodIP(o.podIp());
      s.setPodIPs(List.of(new PodIP(o.podIp())));
    } else if (previous.getPodIP() != null) {
      // a pod keeps its IP in its status after its sandbox stopped, as the kubelet reports it
      s.setPodIP(previous.getPodIP());
      s.setPodIPs(previous.getPodIPs());
    }
    s.setStartTime(previous.getStartTime() != null ? previous.getStartTime() : now);
    s.setQosClass(QosClass.of(pod));
    s.setNominatedNodeName(previous.getNominatedNodeName());

    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    List<String> notReady = o.main().stream().filter(c -> !c.ready()).map(ContainerReport::name).toList();
    List<String> notInitialized = o.initDone() ? List.of()
        : o.init().stream().filter(c -> !c.succeeded() && !(c.running() && c.started())).map(ContainerReport::name).toList();
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition(previous, now, "PodReadyToStartContainers", o.sandboxReady() ? "True" : "False", null, null));
    conditions.add(o.initDone() || notInitialized.isEmpty()
        ? condition(previous, now, "Initialized", "True", terminal && phase.equals("Succeeded") ? "PodCompleted" : null, null)
        : condition(previous, now, "Initialized", "False", "ContainersNotInitialized",
            "containers with incomplete status: " + list(notInitialized)));
    if (terminal) {
      String reason = phase.equals("Succeeded") ? "PodCompleted" : "PodFailed";
      conditions.add(condition(previous, now, "Ready", "False", reason, null));
      conditions.add(condition(previous, now, "ContainersReady", "False", reason, null));
    } else if (notReady.isEmpty() && o.initDone()) {
      conditions.add(condition(previous, now, "Ready", "True", null, null));
      conditions.add(condition(previous, now, "ContainersReady", "True", null, null));
    } else {
      String message = "containers with unready status: " + list(notReady);
      conditions.add(condition(previous, now, "Ready", "False", "ContainersNotReady", message));
      conditions.add(condition(previous, now, "ContainersReady", "False", "ContainersNotReady", message));
    }
    PodCondition scheduled = find(previous, "PodScheduled");
    conditions.add(scheduled != null ? scheduled : condition(previous, now, "PodScheduled", "True", null, null));
    s.setConditions(conditions);

    s.setInitContainerStatuses(o.init().stream().map(c -> containerStatus(c, o.initDone())).toList());
    s.setContainerStatuses(o.main().stream().map(c -> containerStatus(c, o.initDone())).toList());
    return s;
  }

  /**
   * The kubelet's phase rules: Pending until the init containers are done and every container
   * started once; Running while one runs or will restart; Succeeded when all ended with 0 and none
   * restarts; Failed when all ended, one failed, and restartPolicy is Never. A terminal phase sticks.
   */
  static String phase(Pod pod, Observed o) {
    if (Pods.isTerminal(pod)) return pod.getStatus().getPhase();
    if (o.initFailed()) return "Failed";
    if (!o.initDone()) return "Pending";
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerReport c : o.main()) {
      if (c.running()) {
        running++;
      } else if (c.exited()) {
        stopped++;
        if (c.succeeded()) succeeded++;
      } else if (c.previous().isPresent()) {
        stopped++;
      } else {
        waiting++;
      }
    }
    if (waiting > 0) return "Pending";
    if (running > 0) return "Running";
    if (stopped > 0) {
      String policy = Pods.restartPolicy(pod);
      if (policy.equals("Always")) return "Running";
      if (stopped == succeeded) return "Succeeded";
      if (policy.equals("Never")) return "Failed";
      return "Running";
    }
    return "Pending";
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus containerStatus(ContainerReport c, boolean initDone) {
    ContainerStatusBuilder b = new ContainerStatusBuilder()
        .withName(c.name())
        .withImage(c.image())
        .withImageID(c.current().map(ContainerStatus::imageRef).orElse(""))
        .withRestartCount(c.restartCount())
        .withReady(c.ready())
        .withStarted(c.running() && c.started());
    c.current().ifPresent(cur -> b.withContainerID("containerd://" + cur.id()));
    ContainerState state;
    ContainerState last = c.previous().map(p -> terminated(p, "")).orElse(null);
    if (c.waiting().isPresent()) {
      state = waiting(c.waiting().get().reason(), c.waiting().get().message());
      if (c.exited()) last = terminated(c.current().get(), c.terminationMessage());
    } else if (c.current().isEmpty()) {
      state = waiting(initDone ? "ContainerCreating" : "PodInitializing", null);
    } else {
      ContainerStatus cur = c.current().get();
      state = switch (cur.state()) {
        case RUNNING -> new ContainerStateBuilder().withNewRunning()
            .withStartedAt(cur.startedAt().map(PodStatuses::time).orElse(null)).endRunning().build();
        case EXITED -> terminated(cur, c.terminationMessage());
        default -> waiting("ContainerCreating", null);
      };
    }
    b.withState(state);
    b.withLastState(last == null ? new ContainerState() : last);
    return b.build();
  }

  private static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
  }

  private static ContainerState terminated(ContainerStatus s, String message) {
    return new ContainerStateBuilder().withNewTerminated()
        .withExitCode(s.exitCode())
        .withReason(s.reason() == null || s.reason().isEmpty() ? (s.exitCode() == 0 ? "Completed" : "Error") : s.reason())
        .withMessage(message == null || message.isEmpty() ? null : message)
        .withStartedAt(s.startedAt().map(PodStatuses::time).orElse(null))
        .withFinishedAt(s.finishedAt().map(PodStatuses::time).orElse(null))
        .withContainerID("containerd://" + s.id())
        .endTerminated().build();
  }

  /** Keeps a condition's transition time while its status stays the same. */
  private static PodCondition condition(PodStatus previous, String now, String type, String status, String reason, String message) {
    PodCondition old = find(previous, type);
    String transition = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime() : now;
    return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(transition).build();
  }

  private static PodCondition find(PodStatus status, String type) {
    if (status.getConditions() == null) return null;
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static String list(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  static Optional<String> phaseOf(Pod pod) {
    return Optional.ofNullable(pod.getStatus()).map(PodStatus::getPhase);
  }
}
