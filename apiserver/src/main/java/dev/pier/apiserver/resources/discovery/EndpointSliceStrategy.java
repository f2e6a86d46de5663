package dev.pier.apiserver.resources.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.Ips;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * EndpointSlices: an address type (IPv4, IPv6 or FQDN) that never changes and that every address
 * follows, ports defaulting to TCP; the table shows up to three ports and three addresses.
 */
public final class EndpointSliceStrategy implements ResourceStrategy {
    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("AddressType", o -> Tree.text(o, "addressType"))
            .column("Ports", EndpointSliceStrategy::ports)
            .column("Endpoints", EndpointSliceStrategy::endpoints)
            .age()
            .build();

    @Override
    public void prepareForCreate(ObjectNode slice) {
        defaults(slice);
    }

    @Override
    public void prepareForUpdate(ObjectNode slice, ObjectNode old) {
        defaults(slice);
    }

    private static void defaults(ObjectNode slice) {
        for (ObjectNode p : Tree.objects(slice, "ports")) {
            Tree.defaultText(p, "protocol", "TCP");
            if (!Tree.isSet(p, "name")) p.put("name", "");
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode slice) {
        List<FieldError> errs = new ArrayList<>();
        String type = Tree.text(slice, "addressType");
        Check.oneOf(errs, slice, "addressType", FieldPath.root("addressType"), true, ADDRESS_TYPES);
        List<JsonNode> endpoints = Tree.items(slice, "endpoints");
        if (endpoints.size() > 1000) errs.add(FieldError.tooLong(FieldPath.root("endpoints"), 1000));
        for (int i = 0; i < endpoints.size(); i++) {
            FieldPath p = FieldPath.root("endpoints").index(i).child("addresses");
            List<JsonNode> addresses = Tree.items(endpoints.get(i), "addresses");
            if (addresses.isEmpty()) errs.add(FieldError.required(p, "must contain at least 1 address"));
            else if (addresses.size() > 100) errs.add(FieldError.tooLong(p, 100));
            for (int j = 0; j < addresses.size(); j++) {
                String a = addresses.get(j).asText();
                boolean ok = switch (type) {
                    case "IPv4" -> Ips.isIPv4(a);
                    case "IPv6" -> Ips.isIPv6(a);
                    case "FQDN" -> Formats.dns1123Subdomain(a).isEmpty();
                    default -> true;
                };
                if (!ok) {
                    errs.add(FieldError.invalid(p.index(j), a, type.equals("FQDN") ? String.join("; ", Formats.dns1123Subdomain(a))
                            : "must be a valid " + type + " address"));
                }
            }
        }
        List<JsonNode> ports = Tree.items(slice, "ports");
        if (ports.size() > 100) errs.add(FieldError.tooLong(FieldPath.root("ports"), 100));
        for (int i = 0; i < ports.size(); i++) {
            FieldPath p = FieldPath.root("ports").index(i);
            String name = Tree.text(ports.get(i), "name");
            if (!name.isEmpty()) Check.invalid(errs, p.child("name"), name, Formats.dns1123Label(name));
            long port = Tree.number(ports.get(i), "port", 1);
            if (Tree.isSet(ports.get(i), "port") && (port < 1 || port > 65535)) errs.add(FieldError.invalid(p.child("port"), port, Check.PORT_RANGE));
            Check.oneOf(errs, ports.get(i), "protocol", p.child("protocol"), true, List.of("SCTP", "TCP", "UDP"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode slice, ObjectNode old) {
        List<FieldError> errs = validate(slice);
        Check.immutable(errs, slice.get("addressType"), old.get("addressType"), FieldPath.root("addressType"));
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    static String ports(ObjectNode slice) {
        List<String> list = new ArrayList<>();
        List<JsonNode> ports = Tree.items(slice, "ports");
        for (JsonNode p : ports) {
            if (list.size() == 3) break;
            list.add(Tree.isSet(p, "port") ? Long.toString(Tree.number(p, "port", 0)) : Tree.isSet(p, "name") ? Tree.text(p, "name") : "*");
        }
        return withMore(list, ports.size());
    }

    static String endpoints(ObjectNode slice) {
        List<String> list = new ArrayList<>();
        int count = 0;
        for (JsonNode e : Tree.items(slice, "endpoints")) {
            for (JsonNode a : Tree.items(e, "addresses")) {
                if (list.size() < 3) list.add(a.asText());
                count++;
            }
        }
        return withMore(list, count);
    }

    /** Kubernetes' listWithMoreString: three items, then {@code + N more...}; {@code <unset>} when empty. */
    private static String withMore(List<String> list, int count) {
        String joined = String.join(",", list);
        if (count > 3) return joined + " + " + (count - 3) + " more...";
        return joined.isEmpty() ? "<unset>" : joined;
    }
}
