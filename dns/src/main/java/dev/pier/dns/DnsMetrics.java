package dev.pier.dns;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.Inet6Address;
import java.util.function.Consumer;

/**
 * Cluster DNS's series, under CoreDNS's names and labels so that its dashboards and alerts work, plus the
 * {@code cell} label every per-cell Pier series has (decision 009):
 * <ul>
 *   <li>{@code coredns_dns_requests_total{server,zone,proto,family,type}}
 *   <li>{@code coredns_dns_responses_total{server,zone,rcode}}
 *   <li>{@code coredns_dns_request_duration_seconds{server,zone,type}}, CoreDNS's buckets
 *   <li>{@code coredns_forward_requests_total} and {@code coredns_forward_responses_total{rcode}}: names sent to
 *       the host's resolvers, and their answers (a query no upstream answered is counted in the first only)
 * </ul>
 * {@code zone} is always {@code "."}, as with kubeadm's Corefile (one server block for every name). Register once
 * per registry; {@link #cell} gives one cell's recorder.
 */
public final class DnsMetrics {
    /** The process's label name for a cell; the same as {@code dev.pier.apiserver.metrics.Metrics.CELL}. */
    private static final String CELL = dev.pier.apiserver.metrics.Metrics.CELL;
    /** CoreDNS's: 0.25 ms doubling 16 times (about 8 s). */
    private static final double[] DURATION_BUCKETS = exponential(0.00025, 2, 16);
    private static final String ZONE = ".";

    private final Counter requests;
    private final Counter responses;
    private final Histogram duration;
    private final Counter forwardRequests;
    private final Counter forwardResponses;

    public DnsMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("coredns_dns_requests_total").help("Counter of DNS requests made per zone, protocol and family.")
                .labelNames(CELL, "server", "zone", "proto", "family", "type").register(registry);
        responses = Counter.builder().name("coredns_dns_responses_total").help("Counter of response status codes.")
                .labelNames(CELL, "server", "zone", "rcode").register(registry);
        duration = Histogram.builder().name("coredns_dns_request_duration_seconds").help("Histogram of the time (in seconds) each request took per zone.")
                .classicOnly().classicUpperBounds(DURATION_BUCKETS).withoutExemplars()
                .labelNames(CELL, "server", "zone", "type").register(registry);
        forwardRequests = Counter.builder().name("coredns_forward_requests_total").help("Counter of requests made to the upstream resolvers.")
                .labelNames(CELL).register(registry);
        forwardResponses = Counter.builder().name("coredns_forward_responses_total").help("Counter of responses received from the upstream resolvers, by rcode.")
                .labelNames(CELL, "rcode").register(registry);
    }

    /** Records nothing: for servers without a registry (tests, tools). */
    static Cell none() {
        return new DnsMetrics(new PrometheusRegistry()).cell("");
    }

    /** The recorder of one cell's server. */
    Cell cell(String cell) {
        return new Cell(this, cell);
    }

    /** One cell's series: its server reports each exchange, its forwarder each upstream round trip. Thread-safe. */
    static final class Cell implements Consumer<Exchange> {
        private final DnsMetrics m;
        private final String cell;

        private Cell(DnsMetrics m, String cell) {
            this.m = m;
            this.cell = cell;
        }

        @Override
        public void accept(Exchange e) {
            String type = typeLabel(e.query().getQuestion());
            String family = e.client() instanceof Inet6Address ? "2" : "1"; // CoreDNS's: address families as numbered by IANA
            m.requests.labelValues(cell, e.server(), ZONE, e.transport().label(), family, type).inc();
            m.responses.labelValues(cell, e.server(), ZONE, Rcode.string(e.response().getRcode())).inc();
            m.duration.labelValues(cell, e.server(), ZONE, type).observe(e.nanos() / 1e9);
        }

        /** A query sent to the upstream resolvers. */
        void forwarded() {
            m.forwardRequests.labelValues(cell).inc();
        }

        /** An upstream resolver answered with {@code rcode}. */
        void upstreamAnswered(int rcode) {
            m.forwardResponses.labelValues(cell, Rcode.string(rcode)).inc();
        }
    }

    /**
     * Query types reported by name; every other is {@code other}, so that a client sending odd types cannot make
     * new series without end (CoreDNS keeps a fixed list for the same reason).
     */
    private static String typeLabel(Record question) {
        if (question == null) return "other";
        return switch (question.getType()) {
            case Type.A, Type.AAAA, Type.CNAME, Type.PTR, Type.SRV, Type.TXT, Type.MX, Type.NS, Type.SOA, Type.ANY, Type.HTTPS,
                 Type.SVCB, Type.NAPTR, Type.CAA, Type.DS, Type.DNSKEY -> Type.string(question.getType());
            default -> "other";
        };
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] bounds = new double[count];
        for (int i = 0; i < count; i++) bounds[i] = start * Math.pow(factor, i);
        return bounds;
    }
}
