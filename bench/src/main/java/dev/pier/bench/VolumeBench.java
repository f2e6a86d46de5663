package dev.pier.bench;

import dev.pier.simulator.Clients;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Block storage figures ({@code bench/run volumes}) on a {@code pier up --nodes 2}:
 * <ul>
 *   <li>claim created → its pod Running and Ready with the volume mounted (the claim and pod created together,
 *       {@code --rate} a second, default 1; volume made, attached, formatted and mounted on the way), p50 and p99
 *       over {@code --pods} pods (default 20), alternating nodes;
 *   <li>sequential write ({@code dd ... conv=fsync}) and read (caches dropped first) of {@code --megabytes} MiB
 *       (default 256) on a volume from inside a pod, and the same on the host's file system where the volume files
 *       live, with the ratio.
 * </ul>
 * Needs root and the node stack, as {@code pier up} with nodes does; stops Pier at the end.
 */
public final class VolumeBench {
  private static final List<String> NODES = List.of("demo-node-1", "demo-node-2");

  public static void main(String[] args) throws Exception {
    int pods = 20;
    double rate = 1;
    int megabytes = 256;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pods" -> pods = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--megabytes" -> megabytes = Integer.parseInt(args[++i]);
        case "--quick" -> { pods = 6; megabytes = 64; }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--pods N, --rate PER_S, --megabytes N, --quick)");
      }
    }
    try (PierUp pier = PierUp.start("pier-volume-bench-");
         KubernetesClient client = Clients.fromKubeconfig(pier.kubeconfig())) {
      // images present on both nodes before anything is timed
      for (String node : NODES) NodeBench.startAndWait(client, NodeBench.pod("warm-" + node, node), Duration.ofMinutes(2));
      client.pods().inNamespace("default").withLabel("bench", "warm").delete();
      Stats start = claimToRunning(client, pods, rate);
      System.out.printf("Claim created -> pod Running with its volume mounted, %d pods at %.1f/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          pods, rate, start.percentile(50) / 1e6, start.percentile(99) / 1e6, start.max() / 1e6);
      throughput(client, pier, megabytes);
    }
  }

  private static Stats claimToRunning(KubernetesClient client, int pods, double rate) throws Exception {
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> ready = new ConcurrentHashMap<>();
    CountDownLatch allReady = new CountDownLatch(pods);
    try (Watch watch = client.pods().inNamespace("default").withLabel("bench", "volume").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (NodeBench.isReady(pod) && ready.putIfAbsent(pod.getMetadata().getName(), System.nanoTime()) == null) allReady.countDown();
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      for (int i = 0; i < pods; i++) {
        String name = "vol-" + i;
        created.put(name, System.nanoTime());
        client.persistentVolumeClaims().inNamespace("default").resource(claim(name, "64Mi")).create();
        client.pods().inNamespace("default").resource(withVolume(NodeBench.pod(name, NODES.get(i % NODES.size())), name, "volume")).create();
        Thread.sleep((long) (1000 / rate));
      }
      if (!allReady.await(5, TimeUnit.MINUTES)) throw new IllegalStateException((pods - allReady.getCount()) + " of " + pods + " pods Ready");
    }
    long[] samples = created.entrySet().stream().mapToLong(e -> ready.get(e.getKey()) - e.getValue()).toArray();
    client.pods().inNamespace("default").withLabel("bench", "volume").delete();
    for (int i = 0; i < pods; i++) {
      client.pods().inNamespace("default").withName("vol-" + i).waitUntilCondition(p -> p == null, 2, TimeUnit.MINUTES);
    }
    client.persistentVolumeClaims().inNamespace("default").delete();
    return Stats.of(samples);
  }

  private static void throughput(KubernetesClient client, PierUp pier, int megabytes) throws Exception {
    String size = (megabytes * 2) + "Mi";
    client.persistentVolumeClaims().inNamespace("default").resource(claim("io", size)).create();
    NodeBench.startAndWait(client, withVolume(NodeBench.pod("io", NODES.getFirst()), "io", "io"), Duration.ofMinutes(2));
    String write = "dd if=/dev/zero of=/data/f bs=1M count=" + megabytes + " conv=fsync";
    String read = "dd if=/data/f of=/dev/null bs=1M";
    // busybox's dd prints no timing: time each command from here, less what running a no-op the same way costs
    double podOverhead = fastest(() -> kubectlExec(pier, "io", "true"));
    double podWrite = megabytes / (timed(() -> kubectlExec(pier, "io", write)) - podOverhead);
    dropCaches();
    double podRead = megabytes / (timed(() -> kubectlExec(pier, "io", read)) - podOverhead);

    Path hostDir = Files.createDirectories(pier.data.resolve("volumes").resolve("bench-host"));
    double hostOverhead = fastest(() -> sh("true"));
    double hostWrite = megabytes / (timed(() -> sh(write.replace("/data", hostDir.toString()))) - hostOverhead);
    dropCaches();
    double hostRead = megabytes / (timed(() -> sh(read.replace("/data", hostDir.toString()))) - hostOverhead);
    Files.deleteIfExists(hostDir.resolve("f"));
    System.out.printf("Sequential %d MiB       in a pod on a volume   on the host file system   ratio%n", megabytes);
    System.out.printf("  write (fsync)      %8.0f MiB/s         %8.0f MiB/s           %.2f%n", podWrite, hostWrite, podWrite / hostWrite);
    System.out.printf("  read (cold cache)  %8.0f MiB/s         %8.0f MiB/s           %.2f%n", podRead, hostRead, podRead / hostRead);
  }

  private static PersistentVolumeClaim claim(String name, String size) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity(size)).endResources()
        .endSpec().build();
  }

  private static Pod withVolume(Pod pod, String claim, String label) {
    pod.getMetadata().getLabels().put("bench", label);
    pod.getSpec().getContainers().getFirst().getVolumeMounts().add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
        .withName("data").withMountPath("/data").build());
    pod.getSpec().getVolumes().add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("data")
        .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim().build());
    return pod;
  }

  private interface Command {
    void run() throws Exception;
  }

  /** Seconds one run of the command takes. */
  private static double timed(Command command) throws Exception {
    long start = System.nanoTime();
    command.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** The fastest of three runs, in seconds: the fixed cost of running a command that way. */
  private static double fastest(Command command) throws Exception {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) best = Math.min(best, timed(command));
    return best;
  }

  private static String kubectlExec(PierUp pier, String pod, String script) throws Exception {
    return run(List.of("kubectl", "--kubeconfig", pier.kubeconfig().toString(), "exec", pod, "--", "sh", "-c", script));
  }

  private static String sh(String script) throws Exception {
    return run(List.of("sh", "-c", script));
  }

  private static void dropCaches() throws Exception {
    sh("sync; echo 3 > /proc/sys/vm/drop_caches");
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException(command + " failed: " + out);
    return out;
  }

  private VolumeBench() {}
}
