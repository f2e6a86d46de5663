package dev.pier.agent.kubelet;

import dev.pier.agent.cri.CriClient;
import dev.pier.agent.proxy.ProxyConfig;
import dev.pier.agent.proxy.ServiceProxy;
import dev.pier.agent.server.AgentServer;
import dev.pier.agent.server.ServerTls;
import dev.pier.agent.volume.BlockStager;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pier agent}: Pier's kubelet and Service proxy for one node. It registers the Node and keeps
 * its status and Lease, runs the pods bound to it through the node's container runtime (see
 * {@link PodManager} and {@link PodSyncer}), serves their logs and exec to the API server, and keeps
 * the node's iptables rules for Services. Pods keep running when the agent or the API server
 * is away: the runtime holds them, and an agent that starts again takes them over.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration RUNTIME_TIMEOUT = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final CriClient cri;
  private final ScheduledExecutorService timers;
  private final AgentEvents events;
  private final Probes probes;
  private final PodManager pods;
  private final AgentServer server;
  private final ServiceProxy proxy;

  private Agent(KubernetesClient client, CriClient cri, ScheduledExecutorService timers, AgentEvents events, Probes probes,
      PodManager pods, AgentServer server, ServiceProxy proxy) {
    this.server = server;
    this.proxy = proxy;
    this.client = client;
    this.cri = cri;
    this.timers = timers;
    this.events = events;
    this.probes = probes;
    this.pods = pods;
  }

  /**
   * Connects to the runtime and the API server, registers the node and starts running its pods.
   *
   * @param serverTls the agent's server certificate and the CA of its callers: with it, the agent serves
   *     logs, exec and port-forward to the API server on {@link AgentConfig#KUBELET_PORT} of the node IP
   */
  public static Agent start(AgentConfig config, Optional<ServerTls> serverTls) throws IOException {
    Clock clock = Clock.systemUTC();
    log.info("agent of node {} starting: address {}, pods {}, runtime {}, data {}", config.nodeName(), config.nodeIp(),
        config.podCidr(), config.runtimeSocket(), config.dataDir());
    Files.createDirectories(config.dataDir());
    CriClient cri = CriClient.connect(config.runtimeSocket());
    var version = cri.awaitReady(RUNTIME_TIMEOUT);
    log.info("container runtime {} {} ready", version.runtimeName(), version.runtimeVersion());
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(config.kubeconfig()))).build();
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("agent-timer").factory());

    NodeFacts facts = NodeFacts.read(config.dataDir());
    // block volumes staged before a restart stay in volumesInUse from the node's first status write on
    VolumeRecords volumeRecords = new VolumeRecords(config);
    VolumesInUse volumesInUse = new VolumesInUse();
    ClaimVolumes.restore(volumeRecords, volumesInUse);
    NodeRegistration registration = new NodeRegistration(client, cri, config, facts, volumesInUse, clock);
    String nodeUid = registerUntilDone(registration);
    NodeLease lease = new NodeLease(client, config.nodeName(), clock);
    lease.renew(nodeUid);
    CsiNodeRegistration csiNode = new CsiNodeRegistration(client, config.nodeName(), config.maxVolumes());
    ensureQuietly(csiNode, registration);

    AgentEvents events = new AgentEvents(client, config.nodeName(), clock);
    SyncQueue queue = new SyncQueue(timers);
    Probes probes = new Probes(cri, timers, events, queue::add);
    ClaimVolumes claims = new ClaimVolumes(StorageObjects.of(client), config, volumeRecords, new BlockStager(), volumesInUse, registration, events);
    VolumeManager volumes = new VolumeManager(config, facts, claims);
    PodSyncer syncer = new PodSyncer(config, cri, new PodApi(client), volumes,
        new ImagePuller(cri, events, new PullSecrets(), clock), new EnvResolver(config.nodeName(), config.nodeIp(), facts),
        events, probes, facts, clock);
    PodManager pods = new PodManager(client, cri, config, syncer, queue, timers);
    pods.start();
    AgentServer server = null;
    if (serverTls.isPresent()) {
      server = AgentServer.start(null, cri, serverTls.get(), new InetSocketAddress(config.nodeIp(), AgentConfig.KUBELET_PORT));
    } else {
      log.warn("no serving certificate: logs, exec and port-forward of this node's pods are not served");
    }

    var imageGc = new ImageGarbageCollector(cri, config.imageGc(), clock);
    timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(imageGc::collect),
        ImageGarbageCollector.PERIOD.toSeconds(), ImageGarbageCollector.PERIOD.toSeconds(), TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(() -> lease.renew(registration.uid())),
        NodeLease.RENEW_INTERVAL_SECONDS, NodeLease.RENEW_INTERVAL_SECONDS, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(() -> reportQuietly(registration)), 10, 10, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(() -> ensureQuietly(csiNode, registration)), 60, 60, TimeUnit.SECONDS);
    // pods release their block volumes as they go; this catches what a failed unmount or a crash left
    timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(volumes::releaseUnusedClaims), 30, 30, TimeUnit.SECONDS);
    log.info("agent of node {} running", config.nodeName());
    // the agent runs in the node's network namespace: the proxy's iptables rules go there
    ServiceProxy proxy = ServiceProxy.start(client,
        ProxyConfig.of(config.nodeName(), config.nodeIp(), config.serviceCidr(), List.of(config.clusterCidr())));
    return new Agent(client, cri, timers, events, probes, pods, server, proxy);
  }

  /** The API server may not answer yet (it starts with the node, or is away): keep trying. */
  private static String registerUntilDone(NodeRegistration registration) {
    Duration wait = Duration.ofSeconds(1);
    while (true) {
      try {
        return registration.register();
      } catch (RuntimeException e) {
        log.warn("cannot register the node yet ({}); retrying in {}s", e.getMessage(), wait.toSeconds());
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while registering the node", ie);
        }
        wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : wait.multipliedBy(2);
      }
    }
  }

  private static void ensureQuietly(CsiNodeRegistration csiNode, NodeRegistration registration) {
    try {
      csiNode.ensure(registration.uid());
    } catch (RuntimeException e) {
      log.warn("CSINode not registered yet: {}", e.getMessage());
    }
  }

  private static void reportQuietly(NodeRegistration registration) {
    try {
      registration.report(false);
    } catch (RuntimeException e) {
      log.debug("node status not written: {}", e.getMessage());
    }
  }

  /** Stops the agent; the pods keep running in the runtime. */
  @Override
  public void close() {
    proxy.close();
    if (server != null) server.close();
    pods.close();
    probes.close();
    events.close();
    timers.shutdownNow();
    client.close();
    cri.close();
  }
}
