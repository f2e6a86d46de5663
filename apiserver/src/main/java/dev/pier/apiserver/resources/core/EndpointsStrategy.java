package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Endpoints: ports default to TCP, addresses must be IPs and ports valid; the table lists up to three {@code ip:port}. */
public final class EndpointsStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Endpoints", EndpointsStrategy::endpoints)
            .age()
            .build();

    @Override
    public void prepareForCreate(ObjectNode ep) {
        defaults(ep);
    }

    @Override
    public void prepareForUpdate(ObjectNode ep, ObjectNode old) {
        defaults(ep);
    }

    private static void defaults(ObjectNode ep) {
        for (ObjectNode subset : Tree.objects(ep, "subsets")) {
            for (ObjectNode port : Tree.objects(subset, "ports")) Tree.defaultText(port, "protocol", "TCP");
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode ep) {
        List<FieldError> errs = new ArrayList<>();
        List<JsonNode> subsets = Tree.items(ep, "subsets");
        for (int i = 0; i < subsets.size(); i++) {
            FieldPath sp = FieldPath.root("subsets").index(i);
            JsonNode subset = subsets.get(i);
            for (String list : List.of("addresses", "notReadyAddresses")) {
                List<JsonNode> addresses = Tree.items(subset, list);
                for (int j = 0; j < addresses.size(); j++) {
                    String ip = Tree.text(addresses.get(j), "ip");
                    FieldPath ap = sp.child(list).index(j).child("ip");
                    if (!Ips.isValid(ip)) errs.add(FieldError.invalid(ap, ip, Ips.INVALID));
                    else if (ip.startsWith("127.") || ip.equals("::1")) errs.add(FieldError.invalid(ap, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
                }
            }
            List<JsonNode> ports = Tree.items(subset, "ports");
            Set<String> names = new HashSet<>();
            for (int j = 0; j < ports.size(); j++) {
                JsonNode p = ports.get(j);
                FieldPath pp = sp.child("ports").index(j);
                String name = Tree.text(p, "name");
                if (ports.size() > 1 && name.isEmpty()) errs.add(FieldError.required(pp.child("name"), ""));
                else if (!name.isEmpty()) {
                    Check.invalid(errs, pp.child("name"), name, Formats.dns1123Label(name));
                    if (!names.add(name)) errs.add(FieldError.duplicate(pp.child("name"), name));
                }
                long port = Tree.number(p, "port", 0);
                if (port < 1 || port > 65535) errs.add(FieldError.invalid(pp.child("port"), port, Check.PORT_RANGE));
                Check.oneOf(errs, p, "protocol", pp.child("protocol"), true, ContainerRules.PROTOCOLS);
            }
        }
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    /** Up to three {@code ip:port} pairs (bare IPs for a subset without ports), then {@code + N more...}. */
    static String endpoints(ObjectNode ep) {
        List<JsonNode> subsets = Tree.items(ep, "subsets");
        if (subsets.isEmpty()) return "<none>";
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (JsonNode subset : subsets) {
            List<JsonNode> addresses = Tree.items(subset, "addresses");
            List<JsonNode> ports = Tree.items(subset, "ports");
            if (ports.isEmpty()) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == 3) {
                        more = true;
                        break;
                    }
                    list.add(Tree.text(a, "ip"));
                }
                continue;
            }
            for (JsonNode p : ports) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == 3) {
                        more = true;
                        break;
                    }
                    String ip = Tree.text(a, "ip");
                    list.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + Tree.number(p, "port", 0));
                }
            }
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (count - 3) + " more..." : joined;
    }
}
