package dev.pier.agent.kubelet;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.ContainerFilter;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.Sandbox;
import dev.pier.agent.cri.SandboxFilter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which pods to sync and when. Three sources mark a pod: the API server (an informer on
 * the pods bound to this node), the runtime (a relist every second, the kubelet's PLEG, which
 * notices containers that exited and runtime objects of pods the API server no longer has) and
 * time (each pod again after its sync's own deadline or the resync period). Workers take marked
 * pods from a {@link SyncQueue}, so one pod is never synced twice at once.
 */
final class PodManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodManager.class);
  private static final Duration RELIST_PERIOD = Duration.ofSeconds(1);
  private static final int WORKERS = 8;

  private final KubernetesClient client;
  private final CriClient cri;
  private final AgentConfig config;
  private final PodSyncer syncer;
  private final SyncQueue queue;
  private final ScheduledExecutorService timers;
  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private Map<String, String> lastRelist = Map.of();
  private SharedIndexInformer<Pod> informer;

  PodManager(KubernetesClient client, CriClient cri, AgentConfig config, PodSyncer syncer, SyncQueue queue,
      ScheduledExecutorService timers) {
    this.client = client;
    this.cri = cri;
    this.config = config;
    this.syncer = syncer;
    this.queue = queue;
    this.timers = timers;
  }

  void start() {
    informer = client.pods().inAnyNamespace().withField("spec.nodeName", config.nodeName())
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            pods.put(pod.getMetadata().getUid(), pod);
            queue.add(pod.getMetadata().getUid());
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            pods.put(pod.getMetadata().getUid(), pod);
            queue.add(pod.getMetadata().getUid());
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            pods.remove(pod.getMetadata().getUid());
            queue.add(pod.getMetadata().getUid());
          }
        }, 0);
    for (int i = 0; i < WORKERS; i++) {
      workers.add(Thread.ofVirtual().name("pod-worker-" + i).start(this::work));
    }
    timers.scheduleWithFixedDelay(this::relist, RELIST_PERIOD.toMillis(), RELIST_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  void resync(String uid) {
    queue.add(uid);
  }

  int podCount() {
    return pods.size();
  }

  private void work() {
    while (true) {
      String uid;
      try {
        uid = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (uid == null) return;
      Duration next = config.resyncPeriod();
      try {
        next = syncer.sync(uid, pods.get(uid));
      } catch (CriException e) {
        log.warn("sync of pod {} failed: {}", describe(uid), e.getMessage());
        next = Duration.ofSeconds(2);
      } catch (RuntimeException e) {
        log.error("sync of pod {} failed", describe(uid), e);
        next = Duration.ofSeconds(5);
      } finally {
        queue.done(uid);
      }
      if (pods.containsKey(uid)) queue.addAfter(uid, next);
    }
  }

  private String describe(String uid) {
    Pod pod = pods.get(uid);
    return pod == null ? uid : Pods.fullName(pod);
  }

  /**
   * Compares the runtime with the last look: pods whose containers changed state are synced at
   * once. Runtime objects of unknown pods are synced (and so removed) only once the informer has
   * the full list, or a restarted agent would remove the pods it is about to adopt.
   */
  private void relist() {
    try {
      Map<String, List<Sandbox>> sandboxes = new HashMap<>();
      Map<String, List<Container>> containers = new HashMap<>();
      for (Sandbox s : cri.listPodSandboxes(SandboxFilter.ALL)) {
        String uid = s.labels().get(CriLabels.POD_UID);
        if (uid != null) sandboxes.computeIfAbsent(uid, k -> new ArrayList<>()).add(s);
      }
      for (Container c : cri.listContainers(ContainerFilter.ALL)) {
        String uid = c.labels().get(CriLabels.POD_UID);
        if (uid != null) containers.computeIfAbsent(uid, k -> new ArrayList<>()).add(c);
      }
      Set<String> uids = new HashSet<>(sandboxes.keySet());
      uids.addAll(containers.keySet());
      Map<String, String> now = new HashMap<>();
      boolean synced = informer != null && informer.hasSynced();
      for (String uid : uids) {
        String fp = new RuntimePod(uid, sandboxes.getOrDefault(uid, List.of()), containers.getOrDefault(uid, List.of())).fingerprint();
        now.put(uid, fp);
        boolean known = pods.containsKey(uid);
        if (known && !fp.equals(lastRelist.get(uid))) queue.add(uid);
        if (!known && synced) queue.add(uid);
      }
      lastRelist = now;
    } catch (CriException e) {
      log.debug("relist failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("relist failed", e);
    }
  }

  @Override
  public void close() {
    if (informer != null) informer.close();
    queue.close();
    workers.forEach(Thread::interrupt);
  }
}
