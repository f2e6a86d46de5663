package dev.pier.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterRecords records = new ClusterRecords("cluster.local");
    private final FakeView view = new FakeView();

    @Test
    void clusterIpServiceAnswersItsIp() throws IOException {
        view.services.add(service("default", "web", "{\"clusterIP\":\"10.96.0.20\",\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"}]}"));

        Message m = ask("web.default.svc.cluster.local.", Type.A);

        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(rdata(m, Section.ANSWER)).containsExactly("10.96.0.20");
        assertThat(rdata(ask("WEB.Default.svc.cluster.local.", Type.A), Section.ANSWER)).containsExactly("10.96.0.20");
        // exists, no IPv6 address: NODATA with the SOA, not NXDOMAIN (else resolvers would give up on the A record)
        Message aaaa = ask("web.default.svc.cluster.local.", Type.AAAA);
        assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
        assertThat(aaaa.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
    }

    @Test
    void otherNamesOfTheDomainAreNxDomain() throws IOException {
        view.services.add(service("default", "web", "{\"clusterIP\":\"10.96.0.20\"}"));

        for (String name : List.of("nonexistent.default.svc.cluster.local.", "web.other.svc.cluster.local.",
                "web.default.svc.cluster.local.default.svc.cluster.local.", "foo.cluster.local.", "x.y.web.default.svc.cluster.local.")) {
            Message m = ask(name, Type.A);
            assertThat(m.getRcode()).as(name).isEqualTo(Rcode.NXDOMAIN);
            assertThat(m.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
        }
        assertThat(ask("cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void headlessServiceAnswersItsReadyEndpoints() throws IOException {
        view.services.add(service("db", "pg", "{\"clusterIP\":\"None\",\"ports\":[{\"name\":\"sql\",\"port\":5432,\"protocol\":\"TCP\"}]}"));
        view.slices.add(slice("db", "pg", """
                {"addressType":"IPv4","ports":[{"name":"sql","port":5432,"protocol":"TCP"}],"endpoints":[
                 {"addresses":["10.150.1.5"],"hostname":"pg-0","conditions":{"ready":true}},
                 {"addresses":["10.150.2.7"],"conditions":{}},
                 {"addresses":["10.150.2.8"],"conditions":{"ready":false}}]}"""));

        assertThat(rdata(ask("pg.db.svc.cluster.local.", Type.A), Section.ANSWER)).containsExactlyInAnyOrder("10.150.1.5", "10.150.2.7");
        assertThat(rdata(ask("pg-0.pg.db.svc.cluster.local.", Type.A), Section.ANSWER)).containsExactly("10.150.1.5");
        assertThat(rdata(ask("10-150-2-7.pg.db.svc.cluster.local.", Type.A), Section.ANSWER)).containsExactly("10.150.2.7");
        assertThat(ask("pg-1.pg.db.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        Message srv = ask("_sql._tcp.pg.db.svc.cluster.local.", Type.SRV);
        assertThat(rdata(srv, Section.ANSWER)).containsExactlyInAnyOrder(
                "0 50 5432 pg-0.pg.db.svc.cluster.local.", "0 50 5432 10-150-2-7.pg.db.svc.cluster.local.");
        assertThat(rdata(srv, Section.ADDITIONAL)).contains("10.150.1.5", "10.150.2.7");
    }

    @Test
    void headlessServiceWithoutReadyEndpointsIsNxDomain() throws IOException {
        view.services.add(service("db", "pg", "{\"clusterIP\":\"None\"}"));
        assertThat(ask("pg.db.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void srvOfANamedPortOfAClusterIpService() throws IOException {
        view.services.add(service("default", "web", """
                {"clusterIP":"10.96.0.20","ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"dns","port":53,"protocol":"UDP"}]}"""));

        assertThat(rdata(ask("_http._tcp.web.default.svc.cluster.local.", Type.SRV), Section.ANSWER))
                .containsExactly("0 100 80 web.default.svc.cluster.local.");
        assertThat(rdata(ask("_dns._udp.web.default.svc.cluster.local.", Type.SRV), Section.ANSWER))
                .containsExactly("0 100 53 web.default.svc.cluster.local.");
        assertThat(ask("_http._udp.web.default.svc.cluster.local.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void externalNameIsACname() throws IOException {
        view.services.add(service("default", "ext", "{\"type\":\"ExternalName\",\"externalName\":\"db.example.org\"}"));

        Message m = ask("ext.default.svc.cluster.local.", Type.A);

        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME);
        assertThat(rdata(m, Section.ANSWER)).containsExactly("db.example.org.");
    }

    @Test
    void reverseOfAClusterIp() throws IOException {
        view.services.add(service("default", "web", "{\"clusterIP\":\"10.96.0.20\"}"));

        Message m = ask(ReverseMap.fromAddress("10.96.0.20").toString(), Type.PTR);

        assertThat(rdata(m, Section.ANSWER)).containsExactly("web.default.svc.cluster.local.");
        // an address no Service has is the upstream's
        assertThat(records.answer(query(ReverseMap.fromAddress("10.96.0.21").toString(), Type.PTR), view)).isEmpty();
    }

    @Test
    void podNamesSpellTheirAddress() throws IOException {
        assertThat(rdata(ask("10-150-1-5.default.pod.cluster.local.", Type.A), Section.ANSWER)).containsExactly("10.150.1.5");
    }

    @Test
    void namesOutsideTheDomainAreNotOurs() throws IOException {
        assertThat(records.answer(query("example.org.", Type.A), view)).isEmpty();
        assertThat(records.answer(query("local.", Type.A), view)).isEmpty();
    }

    private Message ask(String name, int type) throws IOException {
        Optional<Message> m = records.answer(query(name, type), view);
        assertThat(m).as(name).isPresent();
        // through the wire and back, as a client would read it
        return new Message(m.get().toWire());
    }

    static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }

    private static List<String> rdata(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT).map(Record::rdataToString).toList();
    }

    static ObjectNode service(String ns, String name, String spec) throws IOException {
        ObjectNode svc = JSON.createObjectNode();
        svc.putObject("metadata").put("namespace", ns).put("name", name);
        svc.set("spec", JSON.readTree(spec));
        return svc;
    }

    private static ObjectNode slice(String ns, String service, String body) throws IOException {
        ObjectNode slice = (ObjectNode) JSON.readTree(body);
        slice.putObject("metadata").put("namespace", ns).put("name", service + "-abc")
                .putObject("labels").put("kubernetes.io/service-name", service);
        return slice;
    }

    static final class FakeView implements ClusterView {
        final List<ObjectNode> services = new ArrayList<>();
        final List<ObjectNode> slices = new ArrayList<>();

        @Override
        public Optional<ObjectNode> service(String namespace, String name) {
            return services.stream().filter(s -> s.path("metadata").path("namespace").asText().equals(namespace)
                    && s.path("metadata").path("name").asText().equals(name)).findFirst();
        }

        @Override
        public List<ObjectNode> services() {
            return services;
        }

        @Override
        public List<ObjectNode> endpointSlices(String namespace, String service) {
            return slices.stream().filter(s -> s.path("metadata").path("namespace").asText().equals(namespace)
                    && s.path("metadata").path("labels").path("kubernetes.io/service-name").asText().equals(service)).toList();
        }
    }
}
