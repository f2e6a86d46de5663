package dev.pier.bench;

import dev.pier.agent.cri.ContainerSpec;
import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.PodMetadata;
import dev.pier.agent.cri.PodSandboxSpec;
import dev.pier.simulator.Clients;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real nodes' figures ({@code bench/run nodes}): a {@code pier up --nodes 2} process, then
 * <ul>
 *   <li>node join: machine up (its containerd answers) → Node Ready, from {@code pier up}'s own lines;
 *   <li>pod start-up latency: pod created → Running and Ready seen through a watch, image present,
 *       over {@code --pods} pods (default 100) on both nodes, created {@code --rate} a second (default 10),
 *       p50 and p99;
 *   <li>the same sandbox + container start done straight through CRI on one node, in the same run, as
 *       the reference for the ratio;
 *   <li>the agents' resident memory with no pods and with half the pods each;
 *   <li>requests per second through a LoadBalancer Service's VIP to two nginx pods, and straight to one
 *       pod's IP, from the same client;
 *   <li>network programming latency: a Service created → its rules in every node's iptables.
 * </ul>
 * Needs root and the node stack, as {@code pier up} with nodes does. Everything it reaches is on
 * loopback or inside the namespaces Pier makes; it stops Pier (and so its nodes) at the end.
 */
public final class NodeBench {

  public static void main(String[] args) throws Exception {
    int pods = 100;
    int direct = 20;
    double rate = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pods" -> pods = Integer.parseInt(args[++i]);
        case "--direct" -> direct = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--quick" -> { pods = 20; direct = 5; }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--pods N, --rate PODS_PER_S, --direct N, --quick)");
      }
    }
    try (PierUp pier = PierUp.start("pier-node-bench-")) {
      System.out.println("Node join (machine up -> Node Ready, agent start and bootstrap-token join included):");
      pier.machineUp.forEach((node, t) -> System.out.printf("  %s: %d ms%n", node, (pier.nodeReady.get(node) - t) / 1_000_000));
      try (KubernetesClient client = Clients.fromKubeconfig(pier.kubeconfig())) {
        run(client, pier.data, pods, rate, direct);
      }
    }
  }

  private static void run(KubernetesClient client, Path data, int pods, double rate, int direct) throws Exception {
    List<String> nodes = List.of("demo-node-1", "demo-node-2");
    Map<String, Agent> agents = new HashMap<>();
    for (String node : nodes) agents.put(node, Agent.find(data, node));
    // images present on both nodes before anything is timed
    for (String node : nodes) startAndWait(client, pod("warm-" + node, node), Duration.ofMinutes(2));
    client.pods().inNamespace("default").withLabel("bench", "warm").delete();
    // idle memory is read once the warm-up pods are gone from the nodes
    for (String node : nodes) {
      client.pods().inNamespace("default").withName("warm-" + node).waitUntilCondition(p -> p == null, 2, TimeUnit.MINUTES);
    }
    Map<String, Long> idleRss = new HashMap<>();
    for (String node : nodes) idleRss.put(node, agents.get(node).rssKib());

    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> ready = new ConcurrentHashMap<>();
    CountDownLatch allReady = new CountDownLatch(pods);
    try (Watch watch = client.pods().inNamespace("default").withLabel("bench", "start").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (isReady(pod) && ready.putIfAbsent(pod.getMetadata().getName(), System.nanoTime()) == null) allReady.countDown();
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      for (int i = 0; i < pods; i++) {
        String name = "start-" + i;
        Pod pod = pod(name, nodes.get(i % nodes.size()));
        pod.getMetadata().getLabels().put("bench", "start");
        created.put(name, System.nanoTime());
        client.pods().inNamespace("default").resource(pod).create();
        Thread.sleep((long) (1000 / rate));
      }
      if (!allReady.await(5, TimeUnit.MINUTES)) throw new IllegalStateException((pods - allReady.getCount()) + " of " + pods + " pods Ready");
    }
    long[] latency = new long[pods];
    int n = 0;
    for (var e : created.entrySet()) latency[n++] = ready.get(e.getKey()) - e.getValue();
    Stats pier = Stats.of(latency);
    Map<String, Long> busyRss = new HashMap<>();
    for (String node : nodes) busyRss.put(node, agents.get(node).rssKib());

    Stats cri = directStarts(agents.get("demo-node-1"), direct);
    client.pods().inNamespace("default").withLabel("bench", "start").delete();
    LoadBalancerFigures lb = loadBalancer(client);
    Stats programming = networkProgramming(client, data, nodes, SERVICE_CHANGES);

    System.out.printf("Pod start-up latency, create -> Running and Ready seen through a watch (%d pods, 2 nodes, %.1f/s, image present):%n", pods, rate);
    System.out.printf("  pier agent: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", pier.percentileMillis(50), pier.percentileMillis(99), pier.maxMillis());
    System.out.printf("  CRI alone (sandbox + container started, %d times on one node): p50 %.0f ms, p99 %.0f ms%n",
        direct, cri.percentileMillis(50), cri.percentileMillis(99));
    System.out.printf("  ratio pier / CRI alone: p50 %.2fx, p99 %.2fx%n", pier.percentileMillis(50) / cri.percentileMillis(50),
        pier.percentileMillis(99) / cri.percentileMillis(99));
    System.out.printf("LoadBalancer Service (2 nginx pods, one per node), %d GETs from %d concurrent clients, same client:%n",
        LB_REQUESTS, LB_CLIENTS);
    System.out.printf("  through the VIP (HAProxy -> NodePort -> iptables -> pod): %.0f req/s, p99 %.1f ms%n", lb.vip().perSecond(), lb.vip().p99Millis());
    System.out.printf("  straight to one pod IP: %.0f req/s, p99 %.1f ms%n", lb.pod().perSecond(), lb.pod().p99Millis());
    System.out.printf("Network programming, Service created -> its rules in the iptables of every node (%d Services, one at a time):%n",
        SERVICE_CHANGES);
    System.out.printf("  p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", programming.percentileMillis(50), programming.percentileMillis(99),
        programming.maxMillis());
    System.out.println("Agent resident memory (VmRSS):");
    for (String node : nodes) {
      System.out.printf("  %s: %d MiB with 0 pods, %d MiB with %d pods%n", node, idleRss.get(node) / 1024, busyRss.get(node) / 1024,
          pods / nodes.size());
    }
  }

  private static final int LB_REQUESTS = 4000;
  private static final int LB_CLIENTS = 16;

  private record Throughput(double perSecond, double p99Millis) {}

  private record LoadBalancerFigures(Throughput vip, Throughput pod) {}

  private static final int SERVICE_CHANGES = 200;

  /**
   * Services created one at a time; for each, the time until every node's nat table (read with
   * iptables-save in the node's network namespace) has its rules.
   */
  private static Stats networkProgramming(KubernetesClient client, Path data, List<String> nodes, int changes) throws Exception {
    String index = Files.readString(data.resolve("machines").resolve("network")).strip();
    long[] samples = new long[changes];
    for (int i = 0; i < changes; i++) {
      String name = "prog-" + i;
      var svc = new io.fabric8.kubernetes.api.model.ServiceBuilder()
          .withNewMetadata().withName(name).withNamespace("default").addToLabels("bench", "prog").endMetadata()
          .withNewSpec().addToSelector("app", "web").addNewPort().withPort(80).withNewTargetPort(80).endPort().endSpec().build();
      long start = System.nanoTime();
      client.services().inNamespace("default").resource(svc).create();
      for (String node : nodes) {
        while (!natRules("pier" + index + "-" + node).contains("default/" + name)) {
          if (System.nanoTime() - start > Duration.ofMinutes(1).toNanos()) throw new IllegalStateException(name + " never programmed on " + node);
          Thread.sleep(10);
        }
      }
      samples[i] = System.nanoTime() - start;
    }
    client.services().inNamespace("default").withLabel("bench", "prog").delete();
    return Stats.of(samples);
  }

  private static String natRules(String netns) throws Exception {
    Process p = new ProcessBuilder("nsenter", "--net=/run/netns/" + netns, "iptables-save", "-t", "nat").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  /** nginx behind a LoadBalancer Service: requests through its VIP, then the same straight to one of its pods. */
  private static LoadBalancerFigures loadBalancer(KubernetesClient client) throws Exception {
    var web = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace("default").endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("nginx").withImage("nginx").withImagePullPolicy("IfNotPresent").endContainer()
        .endSpec().endTemplate().endSpec().build();
    client.apps().deployments().inNamespace("default").resource(web).create();
    var svc = new io.fabric8.kubernetes.api.model.ServiceBuilder()
        .withNewMetadata().withName("web").withNamespace("default").endMetadata()
        .withNewSpec().withType("LoadBalancer").addToSelector("app", "web")
        .addNewPort().withPort(80).withNewTargetPort(80).endPort().endSpec().build();
    client.services().inNamespace("default").resource(svc).create();
    client.apps().deployments().inNamespace("default").withName("web")
        .waitUntilCondition(d -> d != null && d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas()),
            2, TimeUnit.MINUTES);
    var ready = client.services().inNamespace("default").withName("web").waitUntilCondition(s -> s != null && s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null && !s.getStatus().getLoadBalancer().getIngress().isEmpty(), 2, TimeUnit.MINUTES);
    String vip = ready.getStatus().getLoadBalancer().getIngress().getFirst().getIp();
    String podIp = client.pods().inNamespace("default").withLabel("app", "web").list().getItems().getFirst().getStatus().getPodIP();
    awaitAnswer("http://" + vip + "/");  // HAProxy marks the nodes up after its first health checks
    load("http://" + vip + "/", LB_REQUESTS / 4);  // warm-up: connections and the JIT settle
    return new LoadBalancerFigures(load("http://" + vip + "/", LB_REQUESTS), load("http://" + podIp + "/", LB_REQUESTS));
  }

  private static void awaitAnswer(String url) throws Exception {
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (true) {
        try {
          var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) return;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) throw new IllegalStateException(url + " does not answer", e);
        }
        Thread.sleep(200);
      }
    }
  }

  /** {@code requests} GETs of {@code url} from {@link #LB_CLIENTS} clients, each on its own keep-alive connection. */
  private static Throughput load(String url, int requests) throws Exception {
    long[] latency = new long[requests];
    var next = new java.util.concurrent.atomic.AtomicInteger();
    var failures = new java.util.concurrent.atomic.AtomicInteger();
    long start = System.nanoTime();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < LB_CLIENTS; c++) {
        threads.submit(() -> {
          try (var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(10)).build();
            for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
              long t = System.nanoTime();
              try {
                var r = http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) failures.incrementAndGet();
              } catch (IOException e) {
                failures.incrementAndGet();
              }
              latency[i] = System.nanoTime() - t;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        });
      }
    }
    long elapsed = System.nanoTime() - start;
    if (failures.get() > 0) System.out.printf("  (%d of %d requests to %s failed)%n", failures.get(), requests, url);
    return new Throughput(Stats.perSecond(requests, elapsed), Stats.of(latency).percentileMillis(99));
  }

  /** The reference: a sandbox and a container started straight through CRI, until the container runs. */
  private static Stats directStarts(Agent agent, int count) throws IOException {
    long[] samples = new long[count];
    try (CriClient cri = CriClient.connect(agent.socket())) {
      String image = cri.imageStatus("docker.io/library/busybox:latest").orElseThrow().id();
      for (int i = 0; i < count; i++) {
        String uid = UUID.randomUUID().toString();
        Path logs = agent.dir().resolve("bench-logs").resolve(uid);
        Files.createDirectories(logs);
        // no io.kubernetes.pod.uid label: the agent leaves these alone
        PodSandboxSpec spec = PodSandboxSpec.builder(new PodMetadata("direct-" + i, uid, "bench", 0))
            .logDirectory(logs.toString()).cgroupParent(agent.cgroupParent() + "/pod" + uid).label("bench", "direct").build();
        long start = System.nanoTime();
        String sandbox = cri.runPodSandbox(spec);
        String id = cri.createContainer(sandbox, ContainerSpec.builder("c", image).command("sleep", "3600").logPath("c/0.log").build(), spec);
        cri.startContainer(id);
        while (cri.containerStatus(id).state() != ContainerState.RUNNING) Thread.onSpinWait();
        samples[i] = System.nanoTime() - start;
        cri.stopPodSandbox(sandbox);
        cri.removePodSandbox(sandbox);
      }
    }
    return Stats.of(samples);
  }

  static Pod pod(String name, String node) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withLabels(new HashMap<>(Map.of("bench", "warm"))).endMetadata()
        .withNewSpec().withNodeSelector(Map.of("kubernetes.io/hostname", node)).withTerminationGracePeriodSeconds(0L)
        .addNewContainer().withName("c").withImage("busybox").withImagePullPolicy("IfNotPresent").withCommand("sleep", "3600")
        .endContainer().endSpec().build();
  }

  static void startAndWait(KubernetesClient client, Pod pod, Duration timeout) {
    client.pods().inNamespace("default").resource(pod).create();
    client.pods().inNamespace("default").withName(pod.getMetadata().getName())
        .waitUntilCondition(NodeBench::isReady, timeout.toSeconds(), TimeUnit.SECONDS);
  }

  static boolean isReady(Pod pod) {
    return pod != null && pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** A node's agent process as the host shows it: its memory, and the machine it runs on (its environment). */
  private record Agent(long pid, Path socket, String cgroupParent, Path dir) {
    static Agent find(Path data, String node) throws IOException {
      for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
        String cmd = p.info().commandLine().orElse("");
        if (!cmd.contains(" agent ")) continue;
        Map<String, String> env = environ(p.pid());
        if (node.equals(env.get("PIER_MACHINE_NAME")) && env.getOrDefault("PIER_MACHINE_DIR", "").startsWith(data.toString())) {
          return new Agent(p.pid(), Path.of(env.get("PIER_MACHINE_RUNTIME_SOCKET")), env.get("PIER_MACHINE_POD_CGROUP_PARENT"),
              Path.of(env.get("PIER_MACHINE_DIR")));
        }
      }
      throw new IllegalStateException("no agent process of " + node);
    }

    long rssKib() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
      return -1;
    }

    private static Map<String, String> environ(long pid) {
      Map<String, String> env = new HashMap<>();
      try {
        for (String kv : Files.readString(Path.of("/proc", Long.toString(pid), "environ")).split("\0")) {
          int eq = kv.indexOf('=');
          if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      } catch (IOException e) {
        // a process that ended, or one not ours to read
      }
      return env;
    }
  }

  private NodeBench() {}
}
