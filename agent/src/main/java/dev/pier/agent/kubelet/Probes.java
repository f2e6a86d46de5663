package dev.pier.agent.kubelet;

import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.ExecResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's probe workers: for each running container with probes, startup first, then
 * liveness and readiness, each on its own period with Kubernetes' timing fields (initial delay,
 * timeout, success and failure thresholds). Results are kept by container id; a change (ready
 * flips, liveness or startup gives up) asks for a sync of the pod, which reports readiness and
 * restarts the container.
 */
final class Probes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Probes.class);

  private final ProbeRunner runner;
  private final ScheduledExecutorService timers;
  private final AgentEvents events;
  private final Consumer<String> resync;
  private final Map<String, ContainerProbes> byContainer = new ConcurrentHashMap<>();

  Probes(CriClient cri, ScheduledExecutorService timers, AgentEvents events, Consumer<String> resync) {
    this.runner = new ProbeRunner(cri);
    this.timers = timers;
    this.events = events;
    this.resync = resync;
  }

  /** Starts the probes of a running container (once; later calls do nothing). */
  void ensure(Pod pod, Container c, String containerId, String podIp) {
    byContainer.computeIfAbsent(containerId, id -> new ContainerProbes(pod, c, id, podIp));
  }

  /** Whether the container passed its startup probe (true without one). */
  boolean started(String containerId) {
    ContainerProbes p = byContainer.get(containerId);
    return p == null || p.started;
  }

  /** Whether the container passes its readiness probe (true without one, false until its first success). */
  boolean ready(String containerId) {
    ContainerProbes p = byContainer.get(containerId);
    return p == null || p.ready;
  }

  /** Whether liveness (or startup) gave up on the container: it is to be restarted. */
  boolean livenessFailed(String containerId) {
    ContainerProbes p = byContainer.get(containerId);
    return p != null && p.failed;
  }

  void forget(String podUid) {
    byContainer.values().removeIf(p -> {
      if (!p.podUid.equals(podUid)) return false;
      p.cancel();
      return true;
    });
  }

  @Override
  public void close() {
    byContainer.values().forEach(ContainerProbes::cancel);
    byContainer.clear();
  }

  private final class ContainerProbes {
    final Pod pod;
    final String podUid;
    final Container container;
    final String containerId;
    final String podIp;
    volatile boolean started;
    volatile boolean ready;
    volatile boolean failed;
    private final Map<String, ScheduledFuture<?>> tasks = new ConcurrentHashMap<>();

    ContainerProbes(Pod pod, Container c, String containerId, String podIp) {
      this.pod = pod;
      this.podUid = pod.getMetadata().getUid();
      this.container = c;
      this.containerId = containerId;
      this.podIp = podIp;
      this.started = c.getStartupProbe() == null;
      this.ready = c.getReadinessProbe() == null;
      if (c.getStartupProbe() != null) {
        schedule("Startup", c.getStartupProbe());
      } else {
        scheduleLivenessAndReadiness();
      }
    }

    private void scheduleLivenessAndReadiness() {
      if (container.getLivenessProbe() != null) schedule("Liveness", container.getLivenessProbe());
      if (container.getReadinessProbe() != null) schedule("Readiness", container.getReadinessProbe());
    }

    private void schedule(String kind, Probe probe) {
      long initial = value(probe.getInitialDelaySeconds(), 0);
      long period = Math.max(1, value(probe.getPeriodSeconds(), 10));
      var counter = new int[2];  // consecutive successes, failures
      Runnable check = () -> Thread.ofVirtual().start(() -> check(kind, probe, counter));
      tasks.put(kind, timers.scheduleWithFixedDelay(check, initial * 1000, period * 1000, TimeUnit.MILLISECONDS));
    }

    private void check(String kind, Probe probe, int[] counter) {
      if (failed) return;
      ProbeRunner.Result r;
      try {
        r = runner.run(probe, container, containerId, podIp);
      } catch (CriException e) {
        return;  // the container is gone: its pod's next sync forgets it
      }
      int successThreshold = (int) value(probe.getSuccessThreshold(), 1);
      int failureThreshold = (int) value(probe.getFailureThreshold(), 3);
      synchronized (counter) {
        if (r.success()) {
          counter[0]++;
          counter[1] = 0;
        } else {
          counter[1]++;
          counter[0] = 0;
          events.warning(pod, "spec.containers{" + container.getName() + "}", "Unhealthy", kind + " probe failed: " + r.output());
        }
        switch (kind) {
          case "Startup" -> {
            if (counter[0] >= successThreshold && !started) {
              started = true;
              cancel("Startup");
              scheduleLivenessAndReadiness();
              resync.accept(podUid);
            } else if (counter[1] >= failureThreshold) {
              giveUp(kind);
            }
          }
          case "Liveness" -> {
            if (counter[1] >= failureThreshold) giveUp(kind);
          }
          default -> {
            boolean now = ready ? counter[1] < failureThreshold : counter[0] >= successThreshold;
            if (now != ready) {
              ready = now;
              log.debug("container {} of pod {} is {}ready", container.getName(), Pods.fullName(pod), now ? "" : "not ");
              resync.accept(podUid);
            }
          }
        }
      }
    }

    private void giveUp(String kind) {
      failed = true;
      ready = false;
      tasks.values().forEach(t -> t.cancel(false));
      log.info("{} probe of container {} in pod {} failed: restarting it", kind, container.getName(), Pods.fullName(pod));
      resync.accept(podUid);
    }

    private void cancel(String kind) {
      ScheduledFuture<?> t = tasks.remove(kind);
      if (t != null) t.cancel(false);
    }

    void cancel() {
      tasks.values().forEach(t -> t.cancel(false));
    }
  }

  private static long value(Integer v, long fallback) {
    return v == null ? fallback : v;
  }
}
