package dev.pier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.ApiServer;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.ControllerOptions;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Kubeconfig;
import dev.pier.pki.Tls;
import dev.pier.scheduler.Scheduler;
import dev.pier.scheduler.SchedulerSetup;
import dev.pier.simulator.Clients;
import dev.pier.simulator.SimulatedNodes;
import dev.pier.storage.sqlite.SqliteStore;
import io.fabric8.kubernetes.client.KubernetesClient;

import javax.net.ssl.SSLContext;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Figures of the controllers and the scheduler (run with {@code bench/run workloads [--quick]}): pods bound
 * per second with N simulated nodes and M pods created as fast as the API takes them; a Deployment of R
 * replicas from create to all available, and a full rolling update of it; and what an idle cell costs in
 * heap and threads with controllers and scheduler running, at 1, 1,000 and 10,000 cells. Everything runs in
 * this JVM on 127.0.0.1 with the embedded SQLite store; simulated nodes are a test tool that reports bound
 * pods Running and Ready at once, so these figures are the control plane's, not a kubelet's.
 */
public final class WorkloadBench {
    private static final String NS = "default";

    private final boolean quick;
    private Informer podInformer;
    private Informer nodeInformer;
    private final List<String> lines = new ArrayList<>();

    private WorkloadBench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        WorkloadBench bench = new WorkloadBench(quick);
        int code = 0;
        try {
            bench.run();
        } catch (Throwable t) {
            t.printStackTrace();
            bench.line("!! bench failed: " + t);
            code = 1;
        }
        System.out.println();
        bench.lines.forEach(System.out::println);
        System.exit(code);
    }

    private void line(String text) {
        lines.add(text);
        System.err.println("bench: " + text);
    }

    private void run() throws Exception {
        int nodes = Integer.getInteger("bench.nodes", quick ? 200 : 1_000);
        int pods = Integer.getInteger("bench.pods", quick ? 2_000 : 10_000);
        int replicas = Integer.getInteger("bench.replicas", quick ? 200 : 1_000);
        line("Pier workload bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + (quick ? " (--quick)" : "")
                + "; " + Runtime.getRuntime().availableProcessors() + " cores; load average "
                + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path tmp = Files.createTempDirectory("pier-workload-bench-");
        try (SqliteStore store = SqliteStore.open(tmp.resolve("state.db"))) {
            Cells cells = new Cells(store, Clock.systemUTC(), TokenFile.empty());
            ControllerManager manager = ControllerManager.create(cells, store, Clock.systemUTC(), ControllerOptions.defaults());
            SchedulerSetup.register(manager, true, Scheduler.SchedulingMetrics.NONE);
            Informer podInformer = manager.informer("", "v1", "pods");
            Map<String, Long> boundAt = new ConcurrentHashMap<>();
            AtomicLong lastBound = new AtomicLong();
            podInformer.addHandler(EventHandler.onChange((cell, pod) -> {
                if (!pod.path("spec").path("nodeName").asText("").isEmpty()
                        && boundAt.putIfAbsent(pod.path("metadata").path("name").asText(), System.nanoTime()) == null) {
                    lastBound.set(System.nanoTime());
                }
            }));
            Informer deployments = manager.informer("apps", "v1", "deployments");
            manager.start();
            CertificateAuthority ca = cells.management().certificateAuthority();
            IssuedCertificate serving = ca.issueServing("pier", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
            IssuedCertificate admin = ca.issueClient("admin", List.of("system:masters"), Duration.ofDays(1));
            try (ApiServer server = ApiServer.start(cells, "127.0.0.1", 0, serving, List.of(ca.certificate()))) {
                String url = "https://127.0.0.1:" + server.port();
                Path kubeconfig = tmp.resolve("kubeconfig");
                Files.writeString(kubeconfig, Kubeconfig.builder().server(url).certificateAuthority(ca.certificate())
                        .clusterName("bench").userName("admin").contextName("bench").clientCertificate(admin).build().toYaml());
                SSLContext ssl = Tls.sslContext(admin, List.of(), List.of(ca.certificate()));
                try (KubernetesClient client = Clients.fromKubeconfig(kubeconfig);
                     Api api = new Api(ssl, url, HttpClient.Version.HTTP_2)) {
                    long t0 = System.nanoTime();
                    try (SimulatedNodes sim = SimulatedNodes.start(client, "node", nodes, new SimulatedNodes.Shape("32", "256Gi", 110),
                            Map.of(), Duration.ofSeconds(10))) {
                        line(String.format(Locale.ROOT, "%d simulated nodes registered in %.1f s", nodes, seconds(t0)));
                        this.podInformer = podInformer;
                        this.nodeInformer = manager.informer("", "v1", "nodes");
                        scheduling(api, pods, boundAt, lastBound);
                        deployment(api, deployments, replicas);
                    }
                }
            } finally {
                manager.close();
                cells.close();
            }
        } finally {
            deleteRecursively(tmp);
        }
        idleCells();
    }

    private void scheduling(Api api, int pods, Map<String, Long> boundAt, AtomicLong lastBound) throws Exception {
        long start = System.nanoTime();
        Load.Result created = Load.run(64, pods, Duration.ofMinutes(10), (i, t) -> {
            HttpResponse<byte[]> r = api.post("/api/v1/namespaces/" + NS + "/pods", pod("sched-" + i));
            return r.statusCode();
        });
        double createSeconds = seconds(start);
        await(Duration.ofMinutes(10), () -> boundAt.keySet().stream().filter(n -> n.startsWith("sched-")).count() >= created.ok());
        double allBound = (lastBound.get() - start) / 1e9;
        line(String.format(Locale.ROOT, "scheduler: %d pods created at 64 clients in %.1f s (%.0f creates/s, p99 %.0f ms); all bound %.1f s after the first create: %.0f pods bound/s",
                created.ok(), createSeconds, created.opsPerSecond(), created.latency().percentileMillis(99), allBound, created.ok() / allBound));
    }

    private void deployment(Api api, Informer deployments, int replicas) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = api.post("/apis/apps/v1/namespaces/" + NS + "/deployments", deploymentJson("big", replicas, "nginx"));
        if (r.statusCode() != 201) throw new IllegalStateException("create deployment: " + r.statusCode() + " " + new String(r.body()));
        await(Duration.ofMinutes(10), () -> available(deployments, replicas, 1));
        line(String.format(Locale.ROOT, "deployment of %d replicas: create to all available in %.1f s", replicas, seconds(start)));
        start = System.nanoTime();
        HttpResponse<byte[]> updated = api.put("/apis/apps/v1/namespaces/" + NS + "/deployments/big", deploymentJson("big", replicas, "nginx:2"));
        if (updated.statusCode() != 200) throw new IllegalStateException("update deployment: " + updated.statusCode() + " " + new String(updated.body()));
        await(Duration.ofMinutes(10), () -> available(deployments, replicas, 2));
        line(String.format(Locale.ROOT, "rolling update of %d replicas (maxSurge 25%%, maxUnavailable 25%%): %.1f s until every pod is new and available",
                replicas, seconds(start)));
    }

    private static boolean available(Informer deployments, int replicas, long generation) {
        return deployments.listCell(Cells.MANAGEMENT).stream().filter(d -> d.path("metadata").path("name").asText().equals("big")).anyMatch(d -> {
            JsonNode s = d.path("status");
            return s.path("observedGeneration").asLong() >= generation && s.path("updatedReplicas").asInt() == replicas
                    && s.path("availableReplicas").asInt() == replicas && s.path("replicas").asInt() == replicas;
        });
    }

    /** Heap and platform threads per idle cell with every controller and the scheduler running. */
    private void idleCells() throws Exception {
        int[] counts = quick ? new int[]{1, 100, 1_000} : new int[]{1, 1_000, 10_000};
        Path tmp = Files.createTempDirectory("pier-cells-bench-");
        try (SqliteStore store = SqliteStore.open(tmp.resolve("state.db"))) {
            Cells cells = new Cells(store, Clock.systemUTC(), TokenFile.empty());
            ControllerManager manager = ControllerManager.create(cells, store, Clock.systemUTC(), ControllerOptions.defaults());
            SchedulerSetup.register(manager, true, Scheduler.SchedulingMetrics.NONE);
            manager.start();
            try {
                long baseHeap = liveHeap();
                int baseThreads = Thread.activeCount();
                int made = 0;
                line("idle cells | live heap per cell | platform threads (total) | time to create");
                for (int n : counts) {
                    long start = System.nanoTime();
                    for (; made < n; made++) cells.createTenant("c" + made);
                    double took = seconds(start);
                    long heap = liveHeap();
                    line(String.format(Locale.ROOT, "%,d | %.0f KB | %d (%+d) | %.1f s", n, (heap - baseHeap) / 1024.0 / n,
                            Thread.activeCount(), Thread.activeCount() - baseThreads, took));
                }
            } finally {
                manager.close();
                cells.close();
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    private static long liveHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // let concurrent collection (ZGC) finish before reading
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    private static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox\",\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}";
    }

    private static String deploymentJson(String name, int replicas, String image) {
        ObjectNode d = dev.pier.apiserver.meta.Json.object();
        d.put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name);
        ObjectNode spec = d.putObject("spec");
        spec.put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        template.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", image)
                .putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "64Mi");
        return d.toString();
    }

    private void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("not reached within " + limit + "; " + state());
            Thread.sleep(20);
        }
    }

    /** What the cluster looks like, for a bench that did not finish. */
    private String state() {
        if (podInformer == null) return "";
        List<ObjectNode> all = podInformer.listCell(Cells.MANAGEMENT);
        long bound = all.stream().filter(p -> !p.path("spec").path("nodeName").asText("").isEmpty()).count();
        long running = all.stream().filter(p -> p.path("status").path("phase").asText().equals("Running")).count();
        Map<String, Long> reasons = new java.util.TreeMap<>();
        for (ObjectNode p : all) {
            for (JsonNode c : p.path("status").path("conditions")) {
                if (c.path("type").asText().equals("PodScheduled") && c.path("status").asText().equals("False")) {
                    reasons.merge(c.path("message").asText(), 1L, Long::sum);
                }
            }
        }
        long ready = nodeInformer.listCell(Cells.MANAGEMENT).stream().filter(n -> n.path("spec").path("taints").isEmpty()).count();
        return all.size() + " pods, " + bound + " bound, " + running + " running; untainted nodes " + ready + "; unschedulable: " + reasons;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
