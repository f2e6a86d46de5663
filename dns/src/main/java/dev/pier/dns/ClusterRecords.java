package dev.pier.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The answers of one cell's DNS zone, Kubernetes' DNS specification as CoreDNS serves it:
 * {@code <svc>.<ns>.svc.<domain>} (the cluster IP; a headless Service's ready addresses; an ExternalName
 * as CNAME), {@code <endpoint>.<svc>.<ns>.svc.<domain>}, {@code _<port>._<proto>.<svc>.<ns>.svc.<domain>}
 * SRV, {@code a-b-c-d.<ns>.pod.<domain>}, PTR of cluster IPs and named endpoints, and NXDOMAIN for
 * every other name of the domain. Names outside it are not ours: {@link #answer} returns empty.
 */
final class ClusterRecords {
    /** CoreDNS's default: short, since Services come and go. */
    static final long TTL = 5;

    private final Name domain;
    private final SOARecord soa;

    ClusterRecords(String clusterDomain) {
        try {
            domain = Name.fromString(clusterDomain.endsWith(".") ? clusterDomain : clusterDomain + ".");
            soa = new SOARecord(domain, DClass.IN, TTL, Name.fromString("ns.dns", domain), Name.fromString("hostmaster", domain),
                    1, 7200, 1800, 86400, TTL);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS domain: " + clusterDomain, e);
        }
    }

    Name domain() {
        return domain;
    }

    /** The response to a query about the cluster's names; empty when the name is someone else's (forward it). */
    Optional<Message> answer(Message query, ClusterView view) {
        Record question = query.getQuestion();
        Name name = question.getName();
        if (name.subdomain(domain)) return Optional.of(zone(query, name, question.getType(), view));
        if (question.getType() == Type.PTR || question.getType() == Type.ANY) {
            Optional<InetAddress> ip = ReverseNames.address(name);
            if (ip.isPresent()) {
                List<Name> targets = reverse(ip.get().getHostAddress(), view);
                if (!targets.isEmpty()) {
                    Message m = response(query, Rcode.NOERROR);
                    for (Name t : targets) m.addRecord(new PTRRecord(name, DClass.IN, TTL, t), Section.ANSWER);
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }

    private Message zone(Message query, Name name, int type, ClusterView view) {
        String[] labels = labels(name.relativize(domain));
        int n = labels.length;
        if (n == 0 || (n == 1 && (labels[0].equals("svc") || labels[0].equals("pod")))) return noData(query);
        if (n >= 3 && labels[n - 1].equals("svc")) {
            String ns = labels[n - 2];
            String svc = labels[n - 3];
            Optional<ObjectNode> service = view.service(ns, svc);
            if (service.isEmpty()) return nxDomain(query);
            return switch (n) {
                case 3 -> serviceName(query, name, type, service.get(), view);
                case 4 -> endpointName(query, name, type, labels[0], ns, svc, view);
                case 5 -> srv(query, name, type, labels[0], labels[1], service.get(), view);
                default -> nxDomain(query);
            };
        }
        if (n == 3 && labels[2].equals("pod")) return podName(query, name, type, labels[0]);
        return nxDomain(query);
    }

    private Message serviceName(Message query, Name name, int type, ObjectNode service, ClusterView view) {
        JsonNode spec = service.path("spec");
        Message m = response(query, Rcode.NOERROR);
        if (spec.path("type").asText().equals("ExternalName")) {
            Name target = absolute(spec.path("externalName").asText());
            if (target == null) return nxDomain(query);
            m.addRecord(new CNAMERecord(name, DClass.IN, TTL, target), Section.ANSWER);
            return m;
        }
        String ns = service.path("metadata").path("namespace").asText();
        String svc = service.path("metadata").path("name").asText();
        if (headless(service)) {
            List<Endpoint> endpoints = Endpoint.ready(view.endpointSlices(ns, svc));
            // CoreDNS: a headless Service without a ready endpoint has no name yet
            if (endpoints.isEmpty()) return nxDomain(query);
            for (Endpoint e : endpoints) address(m, name, type, e.address());
        } else {
            for (JsonNode ip : clusterIps(spec)) address(m, name, type, ip.asText());
        }
        if (type == Type.SRV) {
            for (JsonNode port : spec.path("ports")) {
                if (port.hasNonNull("name")) srvRecords(m, name, ns, svc, service, port, view);
            }
        }
        return withSoaIfEmpty(m);
    }

    private Message endpointName(Message query, Name name, int type, String label, String ns, String svc, ClusterView view) {
        Message m = response(query, Rcode.NOERROR);
        boolean found = false;
        for (Endpoint e : Endpoint.ready(view.endpointSlices(ns, svc))) {
            if (!e.label().equals(label)) continue;
            found = true;
            address(m, name, type, e.address());
        }
        return found ? withSoaIfEmpty(m) : nxDomain(query);
    }

    private Message srv(Message query, Name name, int type, String portLabel, String protoLabel, ObjectNode service, ClusterView view) {
        if (!portLabel.startsWith("_") || !protoLabel.startsWith("_")) return nxDomain(query);
        String portName = portLabel.substring(1);
        String protocol = protoLabel.substring(1).toUpperCase(Locale.ROOT);
        String ns = service.path("metadata").path("namespace").asText();
        String svc = service.path("metadata").path("name").asText();
        for (JsonNode port : service.path("spec").path("ports")) {
            if (!port.path("name").asText().equals(portName) || !port.path("protocol").asText("TCP").equals(protocol)) continue;
            Message m = response(query, Rcode.NOERROR);
            if (type == Type.SRV || type == Type.ANY) srvRecords(m, name, ns, svc, service, port, view);
            return withSoaIfEmpty(m);
        }
        return nxDomain(query);
    }

    /** SRV records of one named port: the Service's own name, or each ready endpoint of a headless Service. */
    private void srvRecords(Message m, Name owner, String ns, String svc, ObjectNode service, JsonNode port, ClusterView view) {
        Name serviceName = serviceName(ns, svc);
        if (!headless(service)) {
            m.addRecord(new SRVRecord(owner, DClass.IN, TTL, 0, 100, port.path("port").asInt(), serviceName), Section.ANSWER);
            return;
        }
        String key = port.path("name").asText("") + "/" + port.path("protocol").asText("TCP");
        List<Endpoint> endpoints = Endpoint.ready(view.endpointSlices(ns, svc));
        for (Endpoint e : endpoints) {
            Integer target = e.ports().get(key);
            if (target == null) continue;
            Name host = child(e.label(), serviceName);
            m.addRecord(new SRVRecord(owner, DClass.IN, TTL, 0, Math.max(1, 100 / endpoints.size()), target, host), Section.ANSWER);
            address(m, host, Type.A, e.address(), Section.ADDITIONAL);
            address(m, host, Type.AAAA, e.address(), Section.ADDITIONAL);
        }
    }

    /** {@code 10-244-1-5.<ns>.pod.<domain>}: the address the name spells (kubeadm's CoreDNS, "pods insecure"). */
    private Message podName(Message query, Name name, int type, String dashed) {
        String ip = dashed.replace('-', '.');
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return nxDomain(query);
        Message m = response(query, Rcode.NOERROR);
        address(m, name, type, ip);
        return withSoaIfEmpty(m);
    }

    private List<Name> reverse(String ip, ClusterView view) {
        List<Name> names = new ArrayList<>();
        for (ObjectNode service : view.services()) {
            String ns = service.path("metadata").path("namespace").asText();
            String svc = service.path("metadata").path("name").asText();
            for (JsonNode clusterIp : clusterIps(service.path("spec"))) {
                if (clusterIp.asText().equals(ip)) names.add(serviceName(ns, svc));
            }
            if (headless(service)) {
                for (Endpoint e : Endpoint.ready(view.endpointSlices(ns, svc))) {
                    if (e.hasHostname() && e.address().equals(ip)) names.add(child(e.label(), serviceName(ns, svc)));
                }
            }
        }
        return names;
    }

    private void address(Message m, Name name, int type, String ip) {
        address(m, name, type, ip, Section.ANSWER);
    }

    private static void address(Message m, Name name, int type, String ip, int section) {
        InetAddress address;
        try {
            address = InetAddress.getByName(ip); // a literal: no look-up
        } catch (UnknownHostException e) {
            return;
        }
        boolean v4 = address instanceof Inet4Address;
        if (v4 && (type == Type.A || type == Type.ANY)) m.addRecord(new ARecord(name, DClass.IN, TTL, address), section);
        if (!v4 && (type == Type.AAAA || type == Type.ANY)) m.addRecord(new AAAARecord(name, DClass.IN, TTL, address), section);
    }

    private static Iterable<JsonNode> clusterIps(JsonNode spec) {
        if (spec.path("clusterIPs").isArray() && !spec.path("clusterIPs").isEmpty()) return spec.path("clusterIPs");
        return spec.hasNonNull("clusterIP") ? List.of(spec.path("clusterIP")) : List.of();
    }

    private static boolean headless(ObjectNode service) {
        return service.path("spec").path("clusterIP").asText().equals("None");
    }

    private Name serviceName(String ns, String svc) {
        return child(svc, child(ns, child("svc", domain)));
    }

    private static Name child(String label, Name parent) {
        try {
            return Name.fromString(label, parent);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS label: " + label, e);
        }
    }

    private static Name absolute(String name) {
        if (name.isEmpty()) return null;
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return null;
        }
    }

    private static String[] labels(Name relative) {
        String[] out = new String[relative.labels()];
        for (int i = 0; i < out.length; i++) out[i] = relative.getLabelString(i).toLowerCase(Locale.ROOT);
        return out;
    }

    private Message nxDomain(Message query) {
        Message m = response(query, Rcode.NXDOMAIN);
        m.addRecord(soa, Section.AUTHORITY);
        return m;
    }

    /** The name exists but has no record of the type asked (NODATA): the SOA tells resolvers how long to remember that. */
    private Message noData(Message query) {
        return withSoaIfEmpty(response(query, Rcode.NOERROR));
    }

    private Message withSoaIfEmpty(Message m) {
        if (m.getSection(Section.ANSWER).isEmpty()) m.addRecord(soa, Section.AUTHORITY);
        return m;
    }

    /** An authoritative response carrying the query's id and question. */
    private static Message response(Message query, int rcode) {
        Message m = Responses.to(query, rcode);
        m.getHeader().setFlag(Flags.AA);
        return m;
    }
}
