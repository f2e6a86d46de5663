package dev.pier.agent.kubelet;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.ContainerFilter;
import dev.pier.agent.cri.ContainerSpec;
import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.ContainerStatus;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.EnvVar;
import dev.pier.agent.cri.ExecResult;
import dev.pier.agent.cri.PodSandboxSpec;
import dev.pier.agent.cri.Sandbox;
import dev.pier.agent.cri.SandboxFilter;
import dev.pier.agent.cri.SandboxState;
import dev.pier.agent.kubelet.ContainerReport.Waiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's sync, the kubelet's SyncPod: from the pod as the API server has it and the runtime as
 * it is, take the next steps and report the status. Runs a pod (volumes, sandbox, init containers
 * in order, then the containers, restarting them per restartPolicy with back-off), stops a pod that
 * is being deleted (preStop, SIGTERM, SIGKILL after its grace period) and then deletes it for
 * good, and removes what the runtime holds of pods that are gone.
 *
 * <p>Every sync starts from the runtime's state, never from memory, so it is idempotent and a
 * restarted agent takes over running pods without starting anything twice.
 */
final class PodSyncer {
  private static final Logger log = LoggerFactory.getLogger(PodSyncer.class);
  /** Attempts of a container kept in the runtime: the current and the previous (for {@code logs --previous}). */
  private static final int KEPT_ATTEMPTS = 2;
  private static final Duration RETRY = Duration.ofSeconds(2);
  /**
   * How often a pod waiting for its claim to bind or its volume to attach looks again (a few API reads): each of
   * those steps takes a fraction of a second, and the kubelet's own wait for an attachment polls as often.
   */
  private static final Duration VOLUME_WAIT = Duration.ofMillis(500);

  private final AgentConfig config;
  private final CriClient cri;
  private final PodApi api;
  private final VolumeManager volumes;
  private final ImagePuller images;
  private final EnvResolver env;
  private final AgentEvents events;
  private final Probes probes;
  private final NodeFacts facts;
  private final Clock clock;
  private final Backoff crashBackoff;
  private final MountWaits mountWaits;

  PodSyncer(AgentConfig config, CriClient cri, PodApi api, VolumeManager volumes, ImagePuller images, EnvResolver env,
      AgentEvents events, Probes probes, NodeFacts facts, Clock clock) {
    this.config = config;
    this.cri = cri;
    this.api = api;
    this.volumes = volumes;
    this.images = images;
    this.env = env;
    this.events = events;
    this.probes = probes;
    this.facts = facts;
    this.clock = clock;
    this.crashBackoff = new Backoff(clock);
    this.mountWaits = new MountWaits(clock);
  }

  /**
   * Syncs the pod with this uid; {@code pod} is null when the API server no longer has it.
   * Returns when the pod wants its next sync (a back-off ending, a container to wait for).
   */
  Duration sync(String uid, Pod pod) {
    RuntimePod rt = runtime(uid);
    if (pod == null) {
      if (!rt.isEmpty() || Files.exists(config.podDir(uid))) removeAll(uid, rt, null);
      return config.resyncPeriod();
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      terminate(pod, rt);
      return RETRY;
    }
    if (Pods.isTerminal(pod)) {
      stopAll(pod, rt, Duration.ZERO);
      // its containers are stopped: its block volumes may go, and be detached for another node
      volumes.releaseClaims(pod.getMetadata().getUid());
      return config.resyncPeriod();
    }
    return run(pod, rt);
  }

  RuntimePod runtime(String uid) {
    Map<String, String> byUid = Map.of(CriLabels.POD_UID, uid);
    return new RuntimePod(uid, cri.listPodSandboxes(SandboxFilter.labels(byUid)), cri.listContainers(ContainerFilter.labels(byUid)));
  }

  // ---- running a pod ----

  private Duration run(Pod pod, RuntimePod rt) {
    String uid = pod.getMetadata().getUid();
    PodObjects objects = new PodObjects(api.client(), pod.getMetadata().getNamespace());
    Map<String, MountedVolume> volumePaths;
    try {
      volumePaths = volumes.prepare(pod, objects);
    } catch (VolumeNotReadyException e) {
      log.debug("pod {} waits for volumes: {}", Pods.fullName(pod), e.getMessage());
      mountWaits.stillWaiting(uid, e).ifPresent(message -> events.warning(pod, null, "FailedMount", message));
      report(pod, rt, null, Map.of(), false, false);
      return VOLUME_WAIT;
    } catch (VolumeException e) {
      if (mountWaits.failureDue(uid, e.getMessage())) events.warning(pod, null, "FailedMount", e.getMessage());
      report(pod, rt, null, Map.of(), false, false);
      return Duration.ofSeconds(5);
    }
    mountWaits.done(uid);

    Optional<Sandbox> sandbox = rt.readySandbox();
    PodSandboxSpec sandboxSpec;
    if (sandbox.isEmpty()) {
      if (!rt.sandboxes().isEmpty()) {
        log.info("sandbox of pod {} is gone: starting a new one", Pods.fullName(pod));
        stopAll(pod, rt, Duration.ZERO);
        events.normal(pod, null, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
      }
      sandboxSpec = SandboxConfigs.build(pod, rt.nextSandboxAttempt(), config);
      try {
        Files.createDirectories(Path.of(sandboxSpec.logDirectory()));
        String id = cri.runPodSandbox(sandboxSpec);
        log.debug("pod {}: sandbox {}", Pods.fullName(pod), id);
      } catch (CriException | IOException e) {
        events.warning(pod, null, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + e.getMessage());
        report(pod, rt, null, Map.of(), false, false);
        return Duration.ofSeconds(5);
      }
      rt = runtime(uid);
      sandbox = rt.readySandbox();
      if (sandbox.isEmpty()) return RETRY;
    } else {
      sandboxSpec = SandboxConfigs.build(pod, sandbox.get().metadata().attempt(), config);
    }
    String sandboxId = sandbox.get().id();
    String podIp = cri.podSandboxStatus(sandboxId).ip();
    if (podIp == null || podIp.isEmpty()) podIp = Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? config.nodeIp() : "";

    Path hostsFile;
    try {
      hostsFile = Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? null : HostsFile.write(config.podDir(uid), pod, podIp);
    } catch (IOException e) {
      events.warning(pod, null, "FailedMount", "cannot write /etc/hosts: " + e.getMessage());
      return Duration.ofSeconds(5);
    }
    var ctx = new ContainerConfigs.Context(pod, volumePaths, hostsFile, null, facts.memoryBytes());
    var step = new Step(pod, rt, sandboxId, sandboxSpec, ctx, objects, podIp);

    boolean initDone = true;
    boolean initFailed = false;
    for (var c : Pods.initContainers(pod)) {
      Optional<Container> latest = rt.attempts(sandboxId, c.getName()).stream().findFirst();
      boolean sidecar = Pods.isSidecar(c);
      if (sidecar) {
        step.keepRunning(c, latest, code -> true, true);
        if (latest.isEmpty() || latest.get().state() != ContainerState.RUNNING) {
          initDone = false;
          break;
        }
        continue;
      }
      if (latest.isEmpty()) {
        step.start(c, true);
        initDone = false;
        break;
      }
      ContainerState state = latest.get().state();
      if (state == ContainerState.RUNNING || state == ContainerState.CREATED || state == ContainerState.UNKNOWN) {
        if (state == ContainerState.CREATED) step.startCreated(c, latest.get());
        initDone = false;
        break;
      }
      ContainerStatus exited = cri.containerStatus(latest.get().id());
      if (exited.exitCode() == 0) continue;
      if (Pods.restartPolicy(pod).equals("Never")) {
        initFailed = true;
      } else {
        step.restartAfterBackoff(c, exited, true);
      }
      initDone = false;
      break;
    }
    if (initDone && !initFailed) {
      for (var c : Pods.containers(pod)) {
        Optional<Container> latest = rt.attempts(sandboxId, c.getName()).stream().findFirst();
        step.keepRunning(c, latest, restartOnExit(pod), false);
      }
    }
    // one read of what this sync's actions left; pruning removes only attempts the status does not show
    RuntimePod after = runtime(uid);
    if (initFailed) {
      stopAll(pod, after, Duration.ZERO);
      after = runtime(uid);
    }
    prune(after, sandboxId);
    report(pod, after, podIp, step.waiting, initDone, initFailed);
    return step.nextSync.compareTo(config.resyncPeriod()) < 0 ? step.nextSync : config.resyncPeriod();
  }

  /** Whether an exited container of the pod's restartPolicy comes back: Always, OnFailure (exit != 0), Never. */
  private static java.util.function.IntPredicate restartOnExit(Pod pod) {
    return switch (Pods.restartPolicy(pod)) {
      case "Never" -> code -> false;
      case "OnFailure" -> code -> code != 0;
      default -> code -> true;
    };
  }

  /** The actions of one sync on the pod's current sandbox, and what they learnt. */
  private final class Step {
    final Pod pod;
    final RuntimePod rt;
    final String sandboxId;
    final PodSandboxSpec sandboxSpec;
    final ContainerConfigs.Context ctx;
    final PodObjects objects;
    final String podIp;
    final Map<String, Waiting> waiting = new HashMap<>();
    Duration nextSync = Duration.ofDays(1);

    Step(Pod pod, RuntimePod rt, String sandboxId, PodSandboxSpec sandboxSpec, ContainerConfigs.Context ctx, PodObjects objects,
        String podIp) {
      this.podIp = podIp;
      this.pod = pod;
      this.rt = rt;
      this.sandboxId = sandboxId;
      this.sandboxSpec = sandboxSpec;
      this.ctx = ctx;
      this.objects = objects;
    }

    void keepRunning(io.fabric8.kubernetes.api.model.Container c, Optional<Container> latest, java.util.function.IntPredicate restart,
        boolean init) {
      if (latest.isEmpty()) {
        start(c, init);
        return;
      }
      Container cur = latest.get();
      switch (cur.state()) {
        case RUNNING -> {
          probes.ensure(pod, c, cur.id(), podIp);
          if (probes.livenessFailed(cur.id())) {
            events.normal(pod, fieldPath(c, init), "Killing", "Container " + c.getName() + " failed liveness probe, will be restarted");
            stopContainer(pod, c, cur.id(), Duration.ofSeconds(Pods.gracePeriodSeconds(pod)));
            soon(Duration.ZERO);
          }
        }
        case CREATED -> startCreated(c, cur);
        case EXITED -> {
          ContainerStatus exited = cri.containerStatus(cur.id());
          if (restart.test(exited.exitCode())) restartAfterBackoff(c, exited, init);
        }
        default -> soon(RETRY);
      }
    }

    void restartAfterBackoff(io.fabric8.kubernetes.api.model.Container c, ContainerStatus exited, boolean init) {
      String key = pod.getMetadata().getUid() + "/" + c.getName();
      Instant finished = exited.finishedAt().orElse(clock.instant());
      Duration left = crashBackoff.remainingSince(key, finished);
      if (left.compareTo(Duration.ZERO) > 0) {
        String message = "back-off " + crashBackoff.current(key).toSeconds() + "s restarting failed container="
            + c.getName() + " pod=" + Pods.fullName(pod);
        waiting.put(c.getName(), new Waiting("CrashLoopBackOff", message));
        events.warning(pod, fieldPath(c, init), "BackOff", "Back-off restarting failed container " + c.getName() + " in pod " + Pods.fullName(pod));
        soon(left);
        return;
      }
      crashBackoff.next(key, finished);
      start(c, init);
    }

    void startCreated(io.fabric8.kubernetes.api.model.Container c, Container created) {
      // created by an agent that stopped before starting it: start what is there
      try {
        cri.startContainer(created.id());
      } catch (CriException e) {
        waiting.put(c.getName(), new Waiting("RunContainerError", e.getMessage()));
        soon(RETRY);
      }
    }

    void start(io.fabric8.kubernetes.api.model.Container c, boolean init) {
      String fieldPath = fieldPath(c, init);
      int attempt = rt.allAttempts(c.getName()).stream().findFirst().map(x -> x.attempt() + 1).orElse(0);
      ImagePuller.PulledImage image;
      try {
        image = images.ensure(pod, c, fieldPath, objects);
      } catch (ImagePullException e) {
        waiting.put(c.getName(), new Waiting(e.reason(), e.getMessage()));
        soon(e.reason().equals("ErrImagePull") ? Duration.ZERO : Backoff.INITIAL);
        return;
      }
      ContainerSpec spec;
      Path terminationLog;
      try {
        List<EnvVar> vars = env.resolve(pod, c, objects);
        terminationLog = terminationLog(pod.getMetadata().getUid(), c.getName(), attempt);
        var withLog = new ContainerConfigs.Context(ctx.pod(), ctx.volumes(), ctx.hostsFile(), terminationLog, ctx.nodeMemoryBytes());
        spec = ContainerConfigs.build(withLog, c, attempt, image.ref(), image.info(), vars, init);
      } catch (ContainerConfigException e) {
        events.warning(pod, fieldPath, "Failed", "Error: " + e.getMessage());
        waiting.put(c.getName(), new Waiting("CreateContainerConfigError", e.getMessage()));
        soon(Duration.ofSeconds(5));
        return;
      } catch (IOException e) {
        waiting.put(c.getName(), new Waiting("CreateContainerConfigError", e.getMessage()));
        soon(Duration.ofSeconds(5));
        return;
      }
      String id;
      try {
        id = cri.createContainer(sandboxId, spec, sandboxSpec);
        events.normal(pod, fieldPath, "Created", "Created container " + c.getName());
      } catch (CriException e) {
        events.warning(pod, fieldPath, "Failed", "Error: " + e.getMessage());
        waiting.put(c.getName(), new Waiting("CreateContainerError", e.getMessage()));
        soon(Duration.ofSeconds(5));
        return;
      }
      try {
        cri.startContainer(id);
        events.normal(pod, fieldPath, "Started", "Started container " + c.getName());
      } catch (CriException e) {
        events.warning(pod, fieldPath, "Failed", "Error: " + e.getMessage());
        waiting.put(c.getName(), new Waiting("RunContainerError", e.getMessage()));
        soon(Duration.ofSeconds(5));
        return;
      }
      probes.ensure(pod, c, id, podIp);
      var postStart = c.getLifecycle() == null ? null : c.getLifecycle().getPostStart();
      if (postStart != null && postStart.getExec() != null) {
        ExecResult r = execHook(id, postStart.getExec().getCommand(), Duration.ofSeconds(Pods.gracePeriodSeconds(pod)));
        if (r == null || r.exitCode() != 0) {
          String message = "PostStartHook failed" + (r == null ? "" : ": exit code " + r.exitCode());
          events.warning(pod, fieldPath, "FailedPostStartHook", message);
          stopContainer(pod, c, id, Duration.ofSeconds(Pods.gracePeriodSeconds(pod)));
        }
      }
      soon(Duration.ofSeconds(1));
    }

    void soon(Duration d) {
      if (d.compareTo(nextSync) < 0) nextSync = d;
    }
  }

  private Path terminationLog(String uid, String container, int attempt) throws IOException {
    Path dir = config.podDir(uid).resolve("containers").resolve(container);
    Files.createDirectories(dir);
    Path file = dir.resolve(Integer.toString(attempt));
    Files.deleteIfExists(file);
    Files.createFile(file);
    Files.setPosixFilePermissions(file, AtomicDirectory.permissions(0666));
    return file;
  }

  private static String fieldPath(io.fabric8.kubernetes.api.model.Container c, boolean init) {
    return (init ? "spec.initContainers{" : "spec.containers{") + c.getName() + "}";
  }

  /** Removes attempts beyond the last {@link #KEPT_ATTEMPTS} of each container, and old sandboxes. */
  private void prune(RuntimePod rt, String currentSandbox) {
    Map<String, List<Container>> byName = new HashMap<>();
    for (Container c : rt.containers()) {
      byName.computeIfAbsent(c.labels().getOrDefault(CriLabels.CONTAINER_NAME, c.name()), k -> new ArrayList<>()).add(c);
    }
    for (List<Container> attempts : byName.values()) {
      attempts.sort(RuntimePod.NEWEST_FIRST);
      for (Container old : attempts.subList(Math.min(KEPT_ATTEMPTS, attempts.size()), attempts.size())) {
        if (old.state() != ContainerState.RUNNING) ignoreMissing(() -> cri.removeContainer(old.id()));
      }
    }
    for (Sandbox s : rt.sandboxes()) {
      if (!s.id().equals(currentSandbox) && s.state() == SandboxState.NOT_READY) {
        boolean hasKeptContainers = rt.containers().stream().anyMatch(c -> c.sandboxId().equals(s.id()));
        if (!hasKeptContainers) ignoreMissing(() -> cri.removePodSandbox(s.id()));
      }
    }
  }

  // ---- stopping and removing ----

  /** A pod being deleted: stop it within its grace period, report it, then delete it for good. */
  private void terminate(Pod pod, RuntimePod rt) {
    Instant deadline = pod.getMetadata().getDeletionTimestamp() == null ? clock.instant()
        : Instant.parse(pod.getMetadata().getDeletionTimestamp());
    Duration grace = Duration.between(clock.instant(), deadline);
    if (grace.isNegative()) grace = Duration.ZERO;
    boolean anyRunning = rt.containers().stream().anyMatch(c -> c.state() == ContainerState.RUNNING);
    if (anyRunning) log.info("stopping pod {} (grace {}s)", Pods.fullName(pod), grace.toSeconds());
    stopAll(pod, rt, grace);
    RuntimePod stopped = runtime(pod.getMetadata().getUid());
    PodStatus status = status(pod, stopped, null, Map.of(), true, false);
    status.setPhase(allSucceeded(status) ? "Succeeded" : "Failed");
    api.writeStatus(pod, status);
    if (api.deleteForGood(pod)) {
      log.info("pod {} deleted", Pods.fullName(pod));
    }
    removeAll(pod.getMetadata().getUid(), stopped, pod);
  }

  private static boolean allSucceeded(PodStatus status) {
    return status.getContainerStatuses().stream().allMatch(c -> c.getState().getTerminated() != null
        && c.getState().getTerminated().getExitCode() == 0);
  }

  /** Stops every running container of the pod (preStop first, then SIGTERM, then SIGKILL at the deadline) and its sandboxes. */
  private void stopAll(Pod pod, RuntimePod rt, Duration grace) {
    List<Container> running = rt.containers().stream()
        .filter(c -> c.state() == ContainerState.RUNNING || c.state() == ContainerState.CREATED).toList();
    if (!running.isEmpty()) {
      try (var stoppers = Executors.newVirtualThreadPerTaskExecutor()) {
        for (Container c : running) {
          var spec = pod == null ? null : Pods.allContainers(pod).stream()
              .filter(x -> x.getName().equals(c.labels().get(CriLabels.CONTAINER_NAME))).findFirst().orElse(null);
          stoppers.submit(() -> stopContainer(pod, spec, c.id(), grace));
        }
      }
    }
    for (Sandbox s : rt.sandboxes()) {
      if (s.state() == SandboxState.READY) ignoreMissing(() -> cri.stopPodSandbox(s.id()));
    }
    if (pod != null) probes.forget(pod.getMetadata().getUid());
  }

  private void stopContainer(Pod pod, io.fabric8.kubernetes.api.model.Container spec, String id, Duration grace) {
    Instant deadline = clock.instant().plus(grace);
    var preStop = spec == null || spec.getLifecycle() == null ? null : spec.getLifecycle().getPreStop();
    if (preStop != null && preStop.getExec() != null && !grace.isZero()) {
      ExecResult r = execHook(id, preStop.getExec().getCommand(), grace);
      if (r == null || r.exitCode() != 0) {
        events.warning(pod, null, "FailedPreStopHook", "PreStopHook failed for container " + spec.getName());
      }
    } else if (preStop != null && preStop.getSleep() != null && !grace.isZero()) {
      long seconds = Math.min(preStop.getSleep().getSeconds(), grace.toSeconds());
      try {
        Thread.sleep(Duration.ofSeconds(seconds));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pod != null && spec != null) {
      events.normal(pod, "spec.containers{" + spec.getName() + "}", "Killing", "Stopping container " + spec.getName());
    }
    Duration left = Duration.between(clock.instant(), deadline);
    ignoreMissing(() -> cri.stopContainer(id, left.isNegative() ? Duration.ZERO : left));
  }

  private ExecResult execHook(String containerId, List<String> command, Duration timeout) {
    try {
      return cri.execSync(containerId, command, timeout.isZero() ? Duration.ofSeconds(1) : timeout);
    } catch (CriException e) {
      return null;
    }
  }

  /** Removes the pod's sandboxes and containers from the runtime and its directory from the node. */
  private void removeAll(String uid, RuntimePod rt, Pod pod) {
    stopAll(pod, rt, Duration.ZERO);
    for (Sandbox s : rt.sandboxes()) ignoreMissing(() -> cri.removePodSandbox(s.id()));
    for (Container c : runtime(uid).containers()) ignoreMissing(() -> cri.removeContainer(c.id()));
    try {
      volumes.cleanup(uid);
    } catch (IOException e) {
      log.warn("cannot remove the directory of pod {}: {}", uid, e.getMessage());
    }
    crashBackoff.forgetPrefix(uid + "/");
    mountWaits.done(uid);
    images.forget(uid);
    probes.forget(uid);
  }

  // ---- status ----

  private void report(Pod pod, RuntimePod rt, String podIp, Map<String, Waiting> waiting, boolean initDone, boolean initFailed) {
    api.writeStatus(pod, status(pod, rt, podIp, waiting, initDone, initFailed));
  }

  private PodStatus status(Pod pod, RuntimePod rt, String podIp, Map<String, Waiting> waiting, boolean initDone, boolean initFailed) {
    Optional<Sandbox> sandbox = rt.readySandbox();
    List<ContainerReport> init = new ArrayList<>();
    for (var c : Pods.initContainers(pod)) init.add(containerReport(pod, rt, c, waiting, true));
    List<ContainerReport> main = new ArrayList<>();
    for (var c : Pods.containers(pod)) main.add(containerReport(pod, rt, c, waiting, false));
    boolean done = initDone || Pods.initContainers(pod).isEmpty();
    var observed = new PodStatuses.Observed(init, main, podIp, sandbox.isPresent(), done, initFailed);
    return PodStatuses.build(pod, observed, config.nodeIp(), clock);
  }

  private ContainerReport containerReport(Pod pod, RuntimePod rt, io.fabric8.kubernetes.api.model.Container c,
      Map<String, Waiting> waiting, boolean init) {
    List<Container> attempts = rt.allAttempts(c.getName());
    Optional<ContainerStatus> current = attempts.isEmpty() ? Optional.empty() : status(attempts.get(0).id());
    Optional<ContainerStatus> previous = attempts.size() < 2 ? Optional.empty() : status(attempts.get(1).id());
    boolean running = current.map(s -> s.state() == ContainerState.RUNNING).orElse(false);
    String uid = pod.getMetadata().getUid();
    boolean started = running && probes.started(current.get().id());
    boolean ready = init ? current.map(s -> s.state() == ContainerState.EXITED && s.exitCode() == 0).orElse(false)
        || (Pods.isSidecar(c) && running && started)
        : running && started && probes.ready(current.get().id());
    int restarts = current.map(ContainerStatus::attempt).orElse(0);
    String message = current.map(s -> terminationMessage(uid, c, s)).orElse("");
    return new ContainerReport(c.getName(), c.getImage(), current, previous, Optional.ofNullable(waiting.get(c.getName())),
        ready, started, restarts, message);
  }

  private Optional<ContainerStatus> status(String containerId) {
    try {
      return Optional.of(cri.containerStatus(containerId));
    } catch (CriException e) {
      return Optional.empty();
    }
  }

  /** The container's termination-log file, or the tail of its log under FallbackToLogsOnError. */
  private String terminationMessage(String uid, io.fabric8.kubernetes.api.model.Container c, ContainerStatus s) {
    if (s.state() != ContainerState.EXITED) return "";
    Path file = config.podDir(uid).resolve("containers").resolve(c.getName()).resolve(Integer.toString(s.attempt()));
    try {
      if (Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.isEmpty()) return text.length() > 4096 ? text.substring(0, 4096) : text;
      }
      if ("FallbackToLogsOnError".equals(c.getTerminationMessagePolicy()) && s.exitCode() != 0 && !s.logPath().isEmpty()) {
        return ContainerLogs.tail(Path.of(s.logPath()), 80, 2048);
      }
    } catch (IOException e) {
      // no message is better than a failed status
    }
    return "";
  }

  private interface Call {
    void run();
  }

  private static void ignoreMissing(Call call) {
    try {
      call.run();
    } catch (CriException e) {
      if (e.code() != CriException.Code.NOT_FOUND) log.warn("runtime call failed: {}", e.getMessage());
    }
  }
}
