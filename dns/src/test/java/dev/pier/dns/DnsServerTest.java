package dev.pier.dns;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real sockets on loopback: a cluster's server over UDP and TCP, forwarding to an upstream started here. */
class DnsServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void answersTheClusterOverUdpAndTcpAndForwardsTheRest() throws IOException {
        // the "upstream": answers every A question with 192.0.2.1
        try (DnsServer upstream = DnsServer.start(LOOPBACK, 0, q -> {
            Message m = Responses.to(q, Rcode.NOERROR);
            m.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 60, ip("192.0.2.1")), Section.ANSWER);
            return m;
        })) {
            var view = new ClusterRecordsTest.FakeView();
            view.services.add(ClusterRecordsTest.service("default", "web", "{\"clusterIP\":\"10.96.0.20\"}"));
            var forwarder = new Forwarder(List.of(new InetSocketAddress(LOOPBACK, upstream.port())));
            try (DnsServer cluster = DnsServer.start(LOOPBACK, 0, new ClusterDns(new ClusterRecords("cluster.local"), view, forwarder))) {
                for (boolean tcp : List.of(false, true)) {
                    SimpleResolver client = new SimpleResolver(new InetSocketAddress(LOOPBACK, cluster.port()));
                    client.setTCP(tcp);
                    client.setTimeout(Duration.ofSeconds(5));

                    Message web = client.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.A));
                    assertThat(answers(web)).as("tcp=" + tcp).containsExactly("10.96.0.20");
                    Message missing = client.send(ClusterRecordsTest.query("nonexistent.default.svc.cluster.local.", Type.A));
                    assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
                    Message other = client.send(ClusterRecordsTest.query("example.test.", Type.A));
                    assertThat(answers(other)).containsExactly("192.0.2.1");
                }
            }
        }
    }

    @Test
    void withoutAnUpstreamOtherNamesFailAndTheClusterStillAnswers() throws IOException {
        var view = new ClusterRecordsTest.FakeView();
        view.services.add(ClusterRecordsTest.service("default", "web", "{\"clusterIP\":\"10.96.0.20\"}"));
        try (DnsServer cluster = DnsServer.start(LOOPBACK, 0, new ClusterDns(new ClusterRecords("cluster.local"), view, new Forwarder(List.of())))) {
            SimpleResolver client = new SimpleResolver(new InetSocketAddress(LOOPBACK, cluster.port()));
            assertThat(client.send(ClusterRecordsTest.query("example.test.", Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(answers(client.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.A)))).containsExactly("10.96.0.20");
        }
    }

    @Test
    void aForwardedQueryWaitingForItsUpstreamHoldsNoOtherQueryBack() throws IOException {
        // an upstream that never answers: the forwarded query waits out the forwarder's timeout
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            var view = new ClusterRecordsTest.FakeView();
            view.services.add(ClusterRecordsTest.service("default", "web", "{\"clusterIP\":\"10.96.0.20\"}"));
            var forwarder = new Forwarder(List.of(new InetSocketAddress(LOOPBACK, silent.getLocalPort())));
            try (DnsServer cluster = DnsServer.start(LOOPBACK, 0, new ClusterDns(new ClusterRecords("cluster.local"), view, forwarder))) {
                SimpleResolver client = new SimpleResolver(new InetSocketAddress(LOOPBACK, cluster.port()));
                client.setTimeout(Duration.ofSeconds(5));
                // no answer can come back for it while the loop below runs: its upstream never answers
                client.sendAsync(ClusterRecordsTest.query("example.test.", Type.A));

                // the thread that receives every UDP query must not be the one waiting for the upstream
                for (int i = 0; i < 20; i++) {
                    assertThat(answers(client.send(ClusterRecordsTest.query("web.default.svc.cluster.local.", Type.A)))).containsExactly("10.96.0.20");
                }
            }
        }
    }

    private static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
