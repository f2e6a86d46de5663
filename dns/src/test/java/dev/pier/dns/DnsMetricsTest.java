package dev.pier.dns;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Queries over real loopback sockets, then the registry read back: the coredns_* series a cell's server records. */
class DnsMetricsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final DnsMetrics.Cell metrics = new DnsMetrics(registry).cell("team-a");

    @Test
    void countsRequestsResponsesDurationsAndForwardedQueriesOfOneCell() throws IOException {
        try (DnsServer upstream = DnsServer.start(LOOPBACK, 0, q -> {
            Message m = Responses.to(q, Rcode.NOERROR);
            m.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 60, LOOPBACK), Section.ANSWER);
            return m;
        })) {
            var view = new ClusterRecordsTest.FakeView();
            view.services.add(ClusterRecordsTest.service("default", "web", "{\"clusterIP\":\"10.96.0.20\"}"));
            var forwarder = new Forwarder(List.of(new InetSocketAddress(LOOPBACK, upstream.port())), metrics);
            var dns = new ClusterDns(new ClusterRecords("cluster.local"), view, forwarder);
            try (DnsServer cluster = DnsServer.start(LOOPBACK, 0, dns, metrics)) {
                SimpleResolver udp = client(cluster, false);
                SimpleResolver tcp = client(cluster, true);
                udp.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.A));
                udp.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.A));
                udp.send(ClusterRecordsTest.query("nonexistent.default.svc.cluster.local.", Type.A));
                tcp.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.AAAA));
                udp.send(ClusterRecordsTest.query("example.test.", Type.A));
                udp.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.NULL)); // a type not reported by name

                String server = "dns://" + LOOPBACK.getHostAddress() + ":" + cluster.port();
                Map<String, String> udpA = Map.of("cell", "team-a", "server", server, "zone", ".", "proto", "udp", "family", "1", "type", "A");
                assertThat(counter("coredns_dns_requests", udpA)).isEqualTo(4); // twice web, nonexistent, example.test
                assertThat(counter("coredns_dns_requests", Map.of("proto", "tcp", "type", "AAAA"))).isEqualTo(1);
                assertThat(counter("coredns_dns_requests", Map.of("type", "other"))).isEqualTo(1);
                assertThat(counter("coredns_dns_requests", Map.of())).isEqualTo(6);

                assertThat(counter("coredns_dns_responses", Map.of("rcode", "NOERROR"))).isEqualTo(5);
                assertThat(counter("coredns_dns_responses", Map.of("rcode", "NXDOMAIN"))).isEqualTo(1);

                assertThat(histogramCount(Map.of("cell", "team-a", "type", "A"))).isEqualTo(4);
                assertThat(histogramCount(Map.of())).isEqualTo(6);

                assertThat(counter("coredns_forward_requests", Map.of("cell", "team-a"))).isEqualTo(1);
                assertThat(counter("coredns_forward_responses", Map.of("cell", "team-a", "rcode", "NOERROR"))).isEqualTo(1);
            }
        }
    }

    @Test
    void aForwardedQueryNoUpstreamAnswersIsARequestWithoutAResponse() throws IOException {
        int closedPort;
        try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed
        }
        var forwarder = new Forwarder(List.of(new InetSocketAddress(LOOPBACK, closedPort)), metrics);

        Message response = forwarder.forward(ClusterRecordsTest.query("example.test.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(counter("coredns_forward_requests", Map.of("cell", "team-a"))).isEqualTo(1);
        assertThat(counter("coredns_forward_responses", Map.of())).isEqualTo(0);
    }

    private static SimpleResolver client(DnsServer server, boolean tcp) {
        SimpleResolver client = new SimpleResolver(new InetSocketAddress(LOOPBACK, server.port()));
        client.setTCP(tcp);
        client.setTimeout(Duration.ofSeconds(5));
        return client;
    }

    /** The sum of a counter's data points whose labels include {@code labels}. */
    private double counter(String name, Map<String, String> labels) {
        double sum = 0;
        for (CounterSnapshot.CounterDataPointSnapshot p : snapshot(name, CounterSnapshot.class).getDataPoints()) {
            if (matches(p, labels)) sum += p.getValue();
        }
        return sum;
    }

    private long histogramCount(Map<String, String> labels) {
        long count = 0;
        for (HistogramSnapshot.HistogramDataPointSnapshot p : snapshot("coredns_dns_request_duration_seconds", HistogramSnapshot.class).getDataPoints()) {
            if (matches(p, labels)) count += p.getCount();
        }
        return count;
    }

    private <T extends MetricSnapshot> T snapshot(String name, Class<T> kind) {
        return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst().map(kind::cast)
                .orElseThrow(() -> new AssertionError("no metric " + name + " registered"));
    }

    private static boolean matches(DataPointSnapshot point, Map<String, String> labels) {
        return labels.entrySet().stream().allMatch(l -> l.getValue().equals(point.getLabels().get(l.getKey())));
    }
}
