package dev.pier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.apiserver.ApiServer;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.ControllerOptions;
import dev.pier.dns.ClusterDnsSetup;
import dev.pier.dns.DnsServer;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Tls;
import dev.pier.storage.sqlite.SqliteStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cluster DNS figures ({@code bench/run dns [--quick]}): queries per second and latency of Pier's DNS server
 * (module {@code dns}, in this JVM, answering from the controller manager's informers) under {@code dnsperf},
 * and of dnsmasq serving the same names from a hosts file, as the reference. Set-up: a server, the controller
 * manager and one cell's DNS server in-process on the embedded SQLite store; {@code --services} Services
 * created through the API, each name resolving before the run; then each server loaded in turn, first as fast
 * as it answers (100 queries in flight), then at a fixed rate both can sustain, for latency without queueing.
 * Everything is on 127.0.0.1; dnsperf and dnsmasq must be installed ({@code bench/run dns} installs them as root).
 */
public final class DnsBench {
    private static final String NS = "bench";
    private static final String DOMAIN = "cluster.local";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "usage: bench/run dns [--quick] [--services N] [--seconds S per run] [--rate QPS for the fixed-rate runs]";

    private final int services;
    private final int seconds;
    private final int fixedRate;
    private final boolean quick;
    private final List<String> lines = new ArrayList<>();

    private DnsBench(boolean quick, int services, int seconds, int fixedRate) {
        this.quick = quick;
        this.services = services;
        this.seconds = seconds;
        this.fixedRate = fixedRate;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int services = 200;
        int seconds = quick ? 5 : 20;
        int rate = 5_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--services" -> services = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        DnsBench bench = new DnsBench(quick, services, seconds, rate);
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
        line("Pier DNS bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + (quick ? " (--quick)" : "") + "; "
                + Runtime.getRuntime().availableProcessors() + " cores; load average " + loadAverage()
                + "; " + services + " Services, dnsperf " + seconds + " s per run");
        Path tmp = Files.createTempDirectory("pier-dns-bench-");
        // dnsmasq reads its hosts file as its own unprivileged user
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SqliteStore store = SqliteStore.open(tmp.resolve("state.db"))) {
            Cells cells = new Cells(store, Clock.systemUTC(), TokenFile.empty());
            ControllerManager manager = ControllerManager.create(cells, store, Clock.systemUTC(), ControllerOptions.defaults());
            PrometheusRegistry registry = new PrometheusRegistry();
            ClusterDnsSetup dns = ClusterDnsSetup.register(manager, registry);
            manager.start();
            CertificateAuthority ca = cells.management().certificateAuthority();
            IssuedCertificate serving = ca.issueServing("pier", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
            IssuedCertificate admin = ca.issueClient("admin", List.of("system:masters"), Duration.ofDays(1));
            try (ApiServer server = ApiServer.start(cells, "127.0.0.1", 0, serving, List.of(ca.certificate()));
                 Api api = new Api(Tls.sslContext(admin, List.of(), List.of(ca.certificate())), "https://127.0.0.1:" + server.port(),
                         HttpClient.Version.HTTP_2);
                 DnsServer pier = dns.serve(Cells.MANAGEMENT, "127.0.0.1", DOMAIN, 0)) {
                Map<String, String> addresses = createServices(api);
                awaitResolved(pier.port(), addresses);
                Path queries = tmp.resolve("queries.txt");
                Files.write(queries, addresses.keySet().stream().map(name -> name + " A").toList());
                Path hosts = tmp.resolve("hosts");
                Files.write(hosts, addresses.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
                Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rw-r--r--"));
                try (Dnsmasq dnsmasq = Dnsmasq.serve(hosts, addresses.keySet().iterator().next(), tmp.resolve("dnsmasq.log"))) {
                    compare(pier.port(), dnsmasq.port(), queries, tmp);
                }
                line(String.format(Locale.ROOT, "Pier's own count: coredns_dns_requests_total %.0f; load average at the end %s",
                        requestsCounted(registry), loadAverage()));
            } finally {
                manager.close();
                cells.close();
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** Creates the namespace and the Services; returns each Service's DNS name → its cluster IP. */
    private Map<String, String> createServices(Api api) throws IOException, InterruptedException {
        expect(api.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NS + "\"}}"), 201);
        Map<String, String> addresses = new LinkedHashMap<>();
        for (int i = 0; i < services; i++) {
            String name = String.format(Locale.ROOT, "svc-%04d", i);
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},"
                    + "\"spec\":{\"selector\":{\"app\":\"" + name + "\"},\"ports\":[{\"name\":\"http\",\"port\":80}]}}";
            JsonNode created = JSON.readTree(expect(api.post("/api/v1/namespaces/" + NS + "/services", body), 201).body());
            addresses.put(name + "." + NS + ".svc." + DOMAIN, created.path("spec").path("clusterIP").asText());
        }
        return addresses;
    }

    /** Until Pier's server answers every name with its cluster IP (the informers have seen every Service). */
    private void awaitResolved(int port, Map<String, String> addresses) throws IOException, InterruptedException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTimeout(Duration.ofSeconds(2));
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        for (Map.Entry<String, String> e : addresses.entrySet()) {
            Message query = Message.newQuery(Record.newRecord(Name.fromString(e.getKey() + "."), Type.A, DClass.IN));
            while (!answers(resolver.send(query), e.getValue())) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(e.getKey() + " does not resolve to " + e.getValue());
                Thread.sleep(20);
            }
        }
        line(String.format(Locale.ROOT, "%d Services created through the API, all resolving %.1f s after the last create",
                addresses.size(), (System.nanoTime() - start) / 1e9));
    }

    private static boolean answers(Message response, String address) {
        return response.getSection(Section.ANSWER).stream().anyMatch(r -> r.rdataToString().equals(address));
    }

    /** Each load on both servers, dnsmasq first; a warm-up of Pier's (the JIT) before anything is measured. */
    private void compare(int pierPort, int dnsmasqPort, Path queries, Path work) throws IOException, InterruptedException {
        Dnsperf.run(pierPort, queries, new Dnsperf.Traffic(quick ? 3 : 10, 4, 100, 0), work);
        line("server | load | queries/s | p50 ms | p99 ms | max ms | answered | lost");
        List<Dnsperf.Traffic> loads = List.of(new Dnsperf.Traffic(seconds, 4, 100, 0), new Dnsperf.Traffic(seconds, 4, 100, fixedRate));
        for (Dnsperf.Traffic load : loads) {
            Dnsperf.Result reference = Dnsperf.run(dnsmasqPort, queries, load, work);
            report("dnsmasq", load, reference);
            Dnsperf.Result pier = Dnsperf.run(pierPort, queries, load, work);
            report("Pier", load, pier);
            if (load.maxRate() == 0) {
                line(String.format(Locale.ROOT, "Pier / dnsmasq, queries per second: %.2f× (goal ≥ 0.5)",
                        pier.queriesPerSecond() / reference.queriesPerSecond()));
            }
        }
    }

    private void report(String server, Dnsperf.Traffic load, Dnsperf.Result r) {
        String how = load.maxRate() == 0 ? "saturated, " + load.outstanding() + " in flight" : String.format(Locale.ROOT, "%,d queries/s", load.maxRate());
        line(String.format(Locale.ROOT, "%s | %s | %,.0f | %.2f | %.2f | %.2f | %,d %s | %d", server, how, r.queriesPerSecond(),
                r.latency().percentileMillis(50), r.latency().percentileMillis(99), r.latency().maxMillis(), r.completed(),
                r.allNoError() ? "(all NOERROR)" : "(" + r.rcodes() + ")", r.lost()));
    }

    private static double requestsCounted(PrometheusRegistry registry) {
        return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals("coredns_dns_requests"))
                .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream()).mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }

    private static HttpResponse<byte[]> expect(HttpResponse<byte[]> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().uri() + ": " + response.statusCode() + " " + new String(response.body()));
        }
        return response;
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
