package dev.pier.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.apiserver.ApiServer;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Tls;
import dev.pier.storage.EtcdProcess;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchEvent;
import dev.pier.storage.WatchListener;
import dev.pier.storage.etcd.EtcdStore;
import dev.pier.storage.sqlite.SqliteStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Pier's performance figures: ConfigMap create/update throughput and latency through the real HTTPS
 * API on SQLite and etcd, raw etcd put throughput as the ceiling, LIST of many pods (storage and
 * watch cache), and watch fan-out latency. The API server runs in this JVM; all traffic is on
 * 127.0.0.1. Start it with {@code bench/run [--quick]}.
 */
public final class Bench {
    private static final String CM_PATH = "/api/v1/namespaces/default/configmaps";
    private static final String POD_PATH = "/api/v1/namespaces/default/pods";
    private static final String PAYLOAD = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(7); // 252 bytes of data
    private static final ObjectMapper JSON = new ObjectMapper();

    record Options(boolean quick, int ops, int[] clients, int warmup, int pods, int listReps, int watchers,
                   int idleWatches, List<String> backends, HttpClient.Version version, Path out,
                   Duration phaseLimit, Duration totalLimit) {

        static Options parse(String[] args) {
            boolean quick = Arrays.asList(args).contains("--quick");
            int ops = quick ? 200 : 2000;
            int[] clients = {1, 16, 64};
            int warmup = quick ? 100 : 500;
            int pods = quick ? 2000 : 10_000;
            int listReps = quick ? 3 : 5;
            int watchers = quick ? 100 : 1000;
            int idleWatches = 20_000;
            List<String> backends = List.of("sqlite", "etcd");
            HttpClient.Version version = HttpClient.Version.HTTP_2;
            Path out = Path.of("bench/results/latest.txt");
            Duration phaseLimit = Duration.ofSeconds(quick ? 20 : 60);
            Duration totalLimit = Duration.ofSeconds(quick ? 180 : 600);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> { }
                    case "--ops" -> ops = Integer.parseInt(args[++i]);
                    case "--clients" -> clients = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--pods" -> pods = Integer.parseInt(args[++i]);
                    case "--list-reps" -> listReps = Integer.parseInt(args[++i]);
                    case "--watchers" -> watchers = Integer.parseInt(args[++i]);
                    case "--idle-watches" -> idleWatches = Integer.parseInt(args[++i]);
                    case "--backends" -> backends = List.of(args[++i].split(","));
                    case "--http" -> version = switch (args[++i]) {
                        case "1.1", "1" -> HttpClient.Version.HTTP_1_1;
                        case "2" -> HttpClient.Version.HTTP_2;
                        default -> throw new IllegalArgumentException("--http 1.1 or 2");
                    };
                    case "--out" -> out = Path.of(args[++i]);
                    case "--phase-timeout" -> phaseLimit = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--total-timeout" -> totalLimit = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "-h", "--help" -> {
                        System.out.println("""
                                usage: bench/run [--quick] [--ops N] [--clients 1,16,64] [--warmup N] [--pods N]
                                                 [--list-reps N] [--watchers N] [--idle-watches N] [--backends sqlite,etcd]
                                                 [--http 2|1.1]
                                                 [--out FILE] [--phase-timeout SECONDS] [--total-timeout SECONDS]""");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
                }
            }
            for (String b : backends) {
                if (!b.equals("sqlite") && !b.equals("etcd")) throw new IllegalArgumentException("unknown backend " + b);
            }
            return new Options(quick, ops, clients, warmup, pods, listReps, watchers, idleWatches, backends, version, out,
                    phaseLimit, totalLimit);
        }
    }

    private final Options options;
    private final Report report = new Report();
    private final LogCounter logs = LogCounter.install();
    private int valueSize = -1;
    private boolean finished;

    private Bench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Bench bench = new Bench(options);
        Thread watchdog = Thread.ofPlatform().daemon().name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(options.totalLimit());
            } catch (InterruptedException e) {
                return;
            }
            bench.report.note("!! whole-run time limit of " + options.totalLimit().toSeconds() + " s reached: results are partial");
            bench.finish();
            Runtime.getRuntime().halt(2);
        });
        int code = 0;
        try {
            bench.run();
        } catch (Throwable t) {
            t.printStackTrace();
            bench.report.note("!! bench failed: " + t);
            code = 1;
        }
        watchdog.interrupt();
        bench.finish();
        // Vert.x, jetcd and HttpClient threads may linger; the figures are out, so end here.
        System.exit(code);
    }

    private synchronized void finish() {
        if (finished) return;
        finished = true;
        report.note("load average at end: " + loadAverage());
        logs.summarize().forEach(report::note);
        String text = report.render();
        System.out.print(text);
        System.out.flush();
        try {
            Path out = options.out().toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.writeString(out, text);
            System.out.println("\n(written to " + out + ")");
        } catch (IOException e) {
            System.err.println("cannot write " + options.out() + ": " + e);
        }
    }

    private void run() throws Exception {
        report.header("Pier bench  " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + (options.quick() ? "  (--quick)" : ""));
        report.header(String.format(Locale.ROOT, "machine: %d cores (availableProcessors), %s %s, Java %s, max heap %d MiB, open-files limit %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20, openFilesLimit()));
        report.header("load average at start: " + loadAverage() + " (other processes on this machine share its cores and disk)");
        report.header("server: in-process (same JVM and cores as the load generator), bound to 127.0.0.1, TLS with admin client certificate");
        report.header("client: java.net.http.HttpClient, " + (options.version() == HttpClient.Version.HTTP_2
                ? "HTTP/2 (ALPN, requests multiplexed on one connection)" : "HTTP/1.1 (one connection per concurrent client)")
                + " for API calls; HTTP/1.1 (one socket each) for watches; clients are virtual threads");
        report.header(String.format(Locale.ROOT, "plan: %d ops per level at %s clients, %d warm-up ops per backend, %d pods listed %d times, %d watchers,"
                        + " storage creates with 1 and %d idle watches",
                options.ops(), Arrays.toString(options.clients()), options.warmup(), options.pods(), options.listReps(), options.watchers(),
                options.idleWatches()));

        Path tmp = Files.createTempDirectory("pier-bench-");
        try {
            EtcdProcess etcd = null;
            try {
                if (options.backends().contains("etcd")) {
                    progress("starting etcd (" + System.getenv().getOrDefault("PIER_ETCD", "/usr/bin/etcd") + ")");
                    etcd = EtcdProcess.start();
                    report.header("etcd: " + etcdVersion() + " at " + etcd.endpoint() + ", data in a temp dir");
                }
                for (String backend : options.backends()) {
                    if (backend.equals("etcd")) {
                        if (valueSize < 0) valueSize = 600; // no earlier backend to measure a stored ConfigMap
                        rawEtcdPuts(etcd.endpoint());
                        try (KeyValueStore store = EtcdStore.connect(List.of(etcd.endpoint()))) {
                            storeWrites("etcd", store);
                            apiBackend("etcd", store);
                        }
                    } else {
                        Path db = tmp.resolve("sqlite").resolve("state.db");
                        Files.createDirectories(db.getParent());
                        try (KeyValueStore store = SqliteStore.open(db)) {
                            apiBackend("sqlite", store);
                            storeWrites("sqlite", store); // after the API, which measured the stored ConfigMap size
                        }
                        idleWatches(tmp.resolve("sqlite-idle-watches").resolve("state.db"));
                    }
                }
            } finally {
                if (etcd != null) etcd.close();
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    // ---------------------------------------------------------------- raw etcd

    private void rawEtcdPuts(String endpoint) throws Exception {
        byte[] bytes = new byte[valueSize];
        Arrays.fill(bytes, (byte) 'x');
        ByteSequence value = ByteSequence.from(bytes);
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            KV kv = client.getKVClient();
            progress("raw etcd put: warm-up");
            Load.run(16, options.warmup(), options.phaseLimit(), (i, t) -> {
                kv.put(key("/bench-raw/warm/" + i), value).get(10, TimeUnit.SECONDS);
                return 200;
            });
            for (int c : options.clients()) {
                Load.Result r = Load.run(c, options.ops(), options.phaseLimit(), (i, t) -> {
                    kv.put(key("/bench-raw/c" + c + "/" + i), value).get(10, TimeUnit.SECONDS);
                    return 200;
                });
                report.etcdPutRate(c, r.opsPerSecond());
                report.write(new Report.WriteRow("etcd", "put (raw)", r));
                progress(String.format(Locale.ROOT, "raw etcd put, %d clients: %.0f ops/s", c, r.opsPerSecond()));
            }
            report.note("raw etcd put: jetcd " + "client in this JVM, value " + valueSize
                    + " bytes (the JSON size of a stored bench ConfigMap), unique keys");
        }
    }

    private static ByteSequence key(String k) {
        return ByteSequence.from(k, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the store alone

    /**
     * Creates straight on the storage SPI, no API server in between: what the store itself sustains, next
     * to raw etcd puts (for etcd the SPI's create is a transaction, not a bare put). Values are the size of
     * a stored bench ConfigMap, unique keys.
     */
    private void storeWrites(String backend, KeyValueStore store) throws Exception {
        byte[] value = new byte[valueSize > 0 ? valueSize : 600];
        Arrays.fill(value, (byte) 'x');
        Load.run(16, options.warmup(), options.phaseLimit(), (i, t) -> {
            store.create("/bench-store/warm/" + i, value);
            return 201;
        });
        for (int c : options.clients()) {
            Load.Result r = Load.run(c, options.ops(), options.phaseLimit(), (i, t) -> {
                store.create("/bench-store/c" + c + "/" + i, value);
                return 201;
            });
            report.write(new Report.WriteRow(backend, "store create", r));
            progress(String.format(Locale.ROOT, "[%s] store create (no API), %d clients: %.0f ops/s %s", backend, c, r.opsPerSecond(), r.tally().describe()));
        }
    }

    // ---------------------------------------------------------------- the API on one backend

    private void apiBackend(String backend, KeyValueStore store) throws Exception {
        progress("[" + backend + "] starting API server");
        Cells cells = new Cells(store, Clock.systemUTC(), TokenFile.empty());
        try {
            CertificateAuthority ca = cells.management().certificateAuthority();
            IssuedCertificate serving = ca.issueServing("pier", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
            IssuedCertificate admin = ca.issueClient("admin", List.of("system:masters"), Duration.ofDays(1));
            SSLContext ssl = Tls.sslContext(admin, List.of(), List.of(ca.certificate()));
            try (ApiServer server = ApiServer.start(cells, "127.0.0.1", 0, serving, List.of(ca.certificate()));
                 Api api = new Api(ssl, "https://127.0.0.1:" + server.port(), options.version())) {
                HttpResponse<byte[]> hello = api.get(CM_PATH, Api.REQUEST_TIMEOUT);
                if (hello.statusCode() != 200) {
                    throw new IllegalStateException("GET " + CM_PATH + " answered " + hello.statusCode() + ": " + body(hello));
                }
                report.note("[" + backend + "] negotiated " + hello.version() + " for API calls");
                writes(backend, api);
                pods(backend, api);
                fanOut(backend, api, ssl);
            }
        } finally {
            cells.close();
        }
    }

    private void writes(String backend, Api api) throws Exception {
        progress("[" + backend + "] warm-up: " + options.warmup() + " creates + updates at 16 clients");
        String[] warmRv = new String[options.warmup()];
        AtomicInteger bodySize = new AtomicInteger();
        Load.run(16, options.warmup(), options.phaseLimit(), (i, t) -> create(api, "warm-" + i, warmRv, i, bodySize));
        Load.run(16, options.warmup(), options.phaseLimit(), (i, t) -> update(api, "warm-" + i, warmRv, i, t));
        if (valueSize < 0 && bodySize.get() > 0) valueSize = bodySize.get();

        for (int c : options.clients()) {
            String[] rv = new String[options.ops()];
            String prefix = "cm-c" + c + "-";
            openConnections(api, c);
            Load.Result created = Load.run(c, options.ops(), options.phaseLimit(), (i, t) -> create(api, prefix + i, rv, i, null));
            report.write(new Report.WriteRow(backend, "create", created));
            progress(String.format(Locale.ROOT, "[%s] create, %d clients: %.0f ops/s %s", backend, c, created.opsPerSecond(), created.tally().describe()));
            Load.Result updated = Load.run(c, options.ops(), options.phaseLimit(), (i, t) -> update(api, prefix + i, rv, i, t));
            report.write(new Report.WriteRow(backend, "update", updated));
            progress(String.format(Locale.ROOT, "[%s] update, %d clients: %.0f ops/s %s", backend, c, updated.opsPerSecond(), updated.tally().describe()));
        }
    }

    /**
     * Untimed reads from {@code clients} clients at once, so that over HTTP/1.1 the pool holds that many
     * connections (TLS handshakes) before the timed phase; over HTTP/2 they share the one connection.
     */
    private void openConnections(Api api, int clients) throws InterruptedException {
        Load.run(clients, clients * 4, options.phaseLimit(), (i, t) -> api.get(CM_PATH + "?limit=1", Api.REQUEST_TIMEOUT).statusCode());
    }

    private static int create(Api api, String name, String[] rv, int i, AtomicInteger bodySize) throws Exception {
        HttpResponse<byte[]> resp = api.post(CM_PATH, configMap(name, null, 0));
        if (resp.statusCode() == 201 || resp.statusCode() == 200) {
            rv[i] = Api.resourceVersion(resp.body());
            if (bodySize != null) bodySize.compareAndSet(0, resp.body().length);
        }
        return resp.statusCode();
    }

    /** PUT with the resourceVersion we last saw; on 409 read the current one and try again (counted). */
    private static int update(Api api, String name, String[] rv, int i, Load.Tally tally) throws Exception {
        String current = rv[i];
        for (int attempt = 1; attempt <= 10; attempt++) {
            HttpResponse<byte[]> resp = api.put(CM_PATH + "/" + name, configMap(name, current, attempt));
            if (resp.statusCode() != 409) {
                if (resp.statusCode() == 200) rv[i] = Api.resourceVersion(resp.body());
                else tally.error("PUT " + name + ": " + resp.statusCode() + " " + body(resp));
                return resp.statusCode();
            }
            tally.conflicts.increment();
            HttpResponse<byte[]> fresh = api.get(CM_PATH + "/" + name, Api.REQUEST_TIMEOUT);
            if (fresh.statusCode() != 200) return fresh.statusCode();
            current = Api.resourceVersion(fresh.body());
        }
        return 409;
    }

    static String configMap(String name, String resourceVersion, int generation) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\""
                + (resourceVersion == null ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"")
                + ",\"labels\":{\"app\":\"pier-bench\",\"tier\":\"load\"}},"
                + "\"data\":{\"generation\":\"" + generation + "\",\"payload\":\"" + PAYLOAD + "\"}}";
    }

    static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\","
                + "\"labels\":{\"app\":\"pier-bench\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.local/app:1.0\"}]}}";
    }

    // ---------------------------------------------------------------- LIST

    private void pods(String backend, Api api) throws Exception {
        int clients = Arrays.stream(options.clients()).max().orElse(64);
        progress("[" + backend + "] creating " + options.pods() + " pods at " + clients + " clients");
        Duration limit = options.phaseLimit().multipliedBy(2);
        openConnections(api, clients);
        Load.Result created = Load.run(clients, options.pods(), limit, (i, t) -> {
            HttpResponse<byte[]> resp = api.post(POD_PATH, pod(String.format("pod-%05d", i)));
            if (resp.statusCode() >= 300) t.error("POST pod: " + resp.statusCode() + " " + body(resp));
            return resp.statusCode();
        });
        report.write(new Report.WriteRow(backend, "create pod", created));
        progress(String.format(Locale.ROOT, "[%s] pods: %d created, %.0f ops/s %s", backend, created.ok(), created.opsPerSecond(), created.tally().describe()));

        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("full (no RV: consistent, storage)", POD_PATH);
        variants.put("resourceVersion=0 (watch cache)", POD_PATH + "?resourceVersion=0");
        for (Map.Entry<String, String> v : variants.entrySet()) {
            long[] millis = new long[options.listReps()];
            int n = 0;
            int items = -1;
            long bytes = 0;
            Map<Integer, Integer> failures = new LinkedHashMap<>();
            long listDeadline = System.nanoTime() + options.phaseLimit().toNanos();
            for (int rep = 0; rep < options.listReps() && (rep == 0 || System.nanoTime() < listDeadline); rep++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> resp;
                try {
                    resp = api.get(v.getValue(), Duration.ofSeconds(120));
                } catch (IOException e) {
                    failures.merge(-1, 1, Integer::sum);
                    continue;
                }
                long t1 = System.nanoTime();
                if (resp.statusCode() != 200) {
                    failures.merge(resp.statusCode(), 1, Integer::sum);
                    continue;
                }
                millis[n++] = t1 - t0;
                bytes = resp.body().length;
                if (items < 0) items = JSON.readTree(resp.body()).path("items").size();
            }
            Stats s = Stats.of(millis, n);
            report.list(new Report.ListRow(backend, v.getKey(), n, items, bytes, s, failures.isEmpty() ? "" : failures.toString()));
            progress(String.format(Locale.ROOT, "[%s] LIST %s: p50 %.0f ms, %d items, %d bytes", backend, v.getKey(), s.percentileMillis(50), items, bytes));
        }
    }

    // ---------------------------------------------------------------- watch fan-out

    private void fanOut(String backend, Api api, SSLContext ssl) throws Exception {
        int watchers = options.watchers();
        String name = "watched";
        HttpResponse<byte[]> made = api.post(CM_PATH, configMap(name, null, 0));
        if (made.statusCode() != 201) throw new IllegalStateException("create " + name + ": " + made.statusCode() + " " + body(made));
        String rv = Api.resourceVersion(made.body());
        progress("[" + backend + "] starting " + watchers + " watchers from resourceVersion " + rv);

        // Several clients, so several selector threads share the sockets' I/O.
        int clientCount = Math.min(8, Math.max(1, watchers / 100));
        List<HttpClient> clients = new ArrayList<>();
        for (int k = 0; k < clientCount; k++) clients.add(Api.client(ssl, HttpClient.Version.HTTP_1_1));
        URI uri = URI.create(api.base() + CM_PATH + "?watch=1&resourceVersion=" + rv + "&timeoutSeconds=300");

        long[] received = new long[watchers];
        CountDownLatch connected = new CountDownLatch(watchers);
        // counted down by each watcher once it has its event or cannot get one (failed, closed, wrong event)
        CountDownLatch settled = new CountDownLatch(watchers);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger connectedOk = new AtomicInteger();
        AtomicInteger failedToConnect = new AtomicInteger();
        AtomicInteger wrongEvent = new AtomicInteger();
        Map<String, AtomicInteger> errors = new java.util.concurrent.ConcurrentHashMap<>();
        Semaphore handshakes = new Semaphore(64);
        List<Thread> threads = new ArrayList<>();
        long setupStart = System.nanoTime();
        for (int w = 0; w < watchers; w++) {
            int id = w;
            HttpClient client = clients.get(w % clientCount);
            threads.add(Thread.ofVirtual().name("watcher-" + w).start(() -> {
                InputStream in = null;
                boolean counted = false;
                boolean settledHere = false;
                try {
                    HttpResponse<InputStream> resp;
                    handshakes.acquire();
                    if (failedToConnect.get() >= 50 && connectedOk.get() == 0) {
                        // the server refuses every watch: don't make it fail 1,000 times
                        handshakes.release();
                        errors.computeIfAbsent("not tried after 50 failures", k -> new AtomicInteger()).incrementAndGet();
                        return;
                    }
                    try {
                        resp = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                    } finally {
                        handshakes.release();
                    }
                    in = resp.body();
                    if (resp.statusCode() != 200) {
                        failedToConnect.incrementAndGet();
                        errors.computeIfAbsent("HTTP " + resp.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        return;
                    }
                    connectedOk.incrementAndGet();
                    connected.countDown();
                    counted = true;
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    String line = reader.readLine();
                    long at = System.nanoTime();
                    settled.countDown();
                    settledHere = true;
                    if (line == null) {
                        errors.computeIfAbsent("stream ended", k -> new AtomicInteger()).incrementAndGet();
                    } else if (line.contains("\"MODIFIED\"") && line.contains("\"name\":\"" + name + "\"")) {
                        received[id] = at;

                    } else {
                        wrongEvent.incrementAndGet();
                        errors.computeIfAbsent("unexpected first event: " + line.substring(0, Math.min(80, line.length())),
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                    done.await();
                } catch (InterruptedException e) {
                    // told to stop
                } catch (IOException e) {
                    if (!counted) failedToConnect.incrementAndGet();
                    if (done.getCount() > 0) {
                        errors.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(), k -> new AtomicInteger()).incrementAndGet();
                    }
                } finally {
                    if (!counted) connected.countDown();
                    if (!settledHere) settled.countDown();
                    if (in != null) {
                        try {
                            in.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                }
            }));
        }
        boolean allConnected = connected.await(90, TimeUnit.SECONDS);
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        progress(String.format(Locale.ROOT, "[%s] %d/%d watchers connected in %.1f s%s", backend, connectedOk.get(), watchers, setupSeconds,
                allConnected ? "" : " (gave up waiting)"));

        if (connectedOk.get() == 0) {
            done.countDown();
            for (Thread t : threads) t.join(Duration.ofSeconds(10));
            clients.forEach(HttpClient::shutdownNow);
            StringBuilder failures = new StringBuilder("no watcher connected, no update made; ");
            errors.forEach((k, v) -> failures.append(k).append(" x").append(v.get()).append("; "));
            report.watch(new Report.WatchRow(backend, watchers, 0, 0, setupSeconds, Stats.of(new long[0]), Stats.of(new long[0]), failures.toString()));
            progress("[" + backend + "] watch: no watcher connected");
            return;
        }
        long sent = System.nanoTime();
        HttpResponse<byte[]> write = api.put(CM_PATH + "/" + name, configMap(name, null, 1));
        long acked = System.nanoTime();
        if (write.statusCode() != 200) errors.computeIfAbsent("the update answered " + write.statusCode(), k -> new AtomicInteger()).incrementAndGet();
        boolean all = settled.await(30, TimeUnit.SECONDS);
        done.countDown();
        for (Thread t : threads) t.interrupt();
        for (Thread t : threads) t.join(Duration.ofSeconds(10));
        clients.forEach(HttpClient::shutdownNow);

        long[] fromAck = new long[watchers];
        long[] fromSend = new long[watchers];
        int n = 0;
        for (long at : received) {
            if (at == 0) continue;
            fromAck[n] = at - acked;
            fromSend[n] = at - sent;
            n++;
        }
        StringBuilder failures = new StringBuilder(all ? "" : "not all watchers done within 30 s of the write; ");
        errors.forEach((k, v) -> failures.append(k).append(" x").append(v.get()).append("; "));
        report.watch(new Report.WatchRow(backend, watchers, connectedOk.get(), n, setupSeconds,
                Stats.of(fromAck, n), Stats.of(fromSend, n), failures.toString()));
        progress(String.format(Locale.ROOT, "[%s] watch: %d/%d received; p99 from ack %.1f ms (write took %.1f ms)",
                backend, n, watchers, Stats.of(fromAck, n).percentileMillis(99), (acked - sent) / 1e6));
    }

    // ---------------------------------------------------------------- write cost vs idle watches

    /**
     * Storage creates, one client straight on the store, with one watch on the written prefix and then with
     * that watch plus N idle watches on other prefixes, as N other cells' caches would hold them: a write
     * should cost the same whatever watches it does not concern. SQLite only: there the store itself
     * dispatches changes to watches (etcd indexes its watchers in its own server).
     */
    private void idleWatches(Path db) throws Exception {
        Files.createDirectories(db.getParent());
        byte[] value = new byte[valueSize > 0 ? valueSize : 600];
        Arrays.fill(value, (byte) 'x');
        String written = "/registry/bench/core/configmaps/default/";
        int ops = options.quick() ? 300 : 1000;
        try (KeyValueStore store = SqliteStore.open(db)) {
            AtomicInteger watched = new AtomicInteger();
            AtomicInteger strays = new AtomicInteger();
            List<Watch> watches = new ArrayList<>();
            try {
                watches.add(store.watch("/registry/bench/core/configmaps/", 0, counting(watched)));
                for (int idle : new int[] {1, options.idleWatches()}) {
                    for (int i = watches.size() - 1; i < idle; i++) {
                        watches.add(store.watch("/registry/idle-" + i + "/core/configmaps/", 0, counting(strays)));
                    }
                    String prefix = written + "w" + idle + "-";
                    Load.run(1, ops / 5, options.phaseLimit(), (i, t) -> {
                        store.create(prefix + "warm-" + i, value);
                        return 201;
                    });
                    Load.Result r = Load.run(1, ops, options.phaseLimit(), (i, t) -> {
                        store.create(prefix + i, value);
                        return 201;
                    });
                    report.idleWatches(new Report.IdleWatchRow("sqlite", idle, r));
                    progress(String.format(Locale.ROOT, "[sqlite] storage create with %d idle watches: p50 %.2f ms, p99 %.2f ms",
                            idle, r.latency().percentileMillis(50), r.latency().percentileMillis(99)));
                }
            } finally {
                watches.forEach(Watch::close);
            }
            report.note(String.format(Locale.ROOT, "storage creates vs idle watches: %d ops per round after %d warm-up, value %d bytes;"
                    + " events delivered so far to the watched prefix %d, to the idle watches %d (0 expected)",
                    ops, ops / 5, value.length, watched.get(), strays.get()));
        }
    }

    private static WatchListener counting(AtomicInteger delivered) {
        return new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                delivered.addAndGet(events.size());
            }

            @Override
            public void onError(StorageException error) {
            }
        };
    }

    // ---------------------------------------------------------------- odds and ends

    private static String body(HttpResponse<byte[]> resp) {
        String s = new String(resp.body(), StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static final long STARTED = System.nanoTime();

    private static void progress(String line) {
        System.err.printf(Locale.ROOT, "bench: [+%5.1fs] %s%n", (System.nanoTime() - STARTED) / 1e9, line);
    }

    private static String openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                    return parts[0] + " (hard " + parts[1] + ")";
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return "unknown";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String etcdVersion() {
        String binary = System.getenv().getOrDefault("PIER_ETCD", "/usr/bin/etcd");
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("etcd").trim();
        } catch (IOException | InterruptedException e) {
            return "etcd (version unknown)";
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
