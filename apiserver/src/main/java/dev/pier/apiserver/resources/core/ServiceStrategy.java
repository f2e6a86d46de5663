package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.registry.Allocator;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Services: DNS-1035 names, defaults, validation, and the service table. Cluster IPs and node ports
 * are not chosen here (a strategy never touches storage) but by {@link ServiceAllocator}, which the store
 * runs after validation. Services carry no metadata.generation.
 */
public final class ServiceStrategy implements ResourceStrategy {
    private static final Allocator ALLOCATOR = new ServiceAllocator();
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Type", o -> Tree.text(o.path("spec"), "type"))
            .column("Cluster-IP", ServiceStrategy::clusterIp)
            .column("External-IP", ServiceStrategy::externalIp)
            .column("Port(s)", o -> ports(o.path("spec")))
            .age()
            .wide("Selector", o -> LabelSelectors.formatLabels(o.path("spec").get("selector")))
            .build();

    @Override
    public void prepareForCreate(ObjectNode svc) {
        ServiceDefaults.apply(svc);
        svc.putObject("status").putObject("loadBalancer");
    }

    @Override
    public void prepareForUpdate(ObjectNode svc, ObjectNode old) {
        ServiceDefaults.carryOver(svc, old);
        ServiceDefaults.apply(svc);
    }

    @Override
    public List<FieldError> validate(ObjectNode svc) {
        return ServiceRules.validate(svc);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode svc, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(ServiceRules.validateUpdate(svc, old));
        errs.addAll(ServiceRules.validate(svc));
        return errs;
    }

    @Override
    public Allocator allocator() {
        return ALLOCATOR;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS1035_LABEL;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("spec.clusterIP", o -> Tree.text(o.path("spec"), "clusterIP"),
                "spec.type", o -> Tree.text(o.path("spec"), "type"));
    }

    private static String clusterIp(ObjectNode svc) {
        List<JsonNode> ips = Tree.items(svc.path("spec"), "clusterIPs");
        return ips.isEmpty() ? "<none>" : ips.get(0).asText();
    }

    /** EXTERNAL-IP as Kubernetes prints it: external IPs, load balancer ingress, {@code <pending>}, or the external name. */
    static String externalIp(ObjectNode svc) {
        JsonNode spec = svc.path("spec");
        List<String> external = new ArrayList<>();
        Tree.items(spec, "externalIPs").forEach(n -> external.add(n.asText()));
        switch (Tree.text(spec, "type")) {
            case "ClusterIP", "NodePort" -> {
                return external.isEmpty() ? "<none>" : String.join(",", external);
            }
            case "LoadBalancer" -> {
                List<String> all = new ArrayList<>();
                for (JsonNode ingress : Tree.items(svc.path("status").path("loadBalancer"), "ingress")) {
                    if (!Tree.text(ingress, "ip").isEmpty()) all.add(Tree.text(ingress, "ip"));
                    else if (!Tree.text(ingress, "hostname").isEmpty()) all.add(Tree.text(ingress, "hostname"));
                }
                all.addAll(external);
                return all.isEmpty() ? "<pending>" : String.join(",", all);
            }
            case "ExternalName" -> {
                return Tree.text(spec, "externalName");
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    /** PORT(S): {@code 80/TCP}, or {@code 443:30443/TCP} with a node port. */
    static String ports(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : Tree.items(spec, "ports")) {
            long nodePort = Tree.number(p, "nodePort", 0);
            out.add(Tree.number(p, "port", 0) + (nodePort > 0 ? ":" + nodePort : "") + "/" + Tree.text(p, "protocol"));
        }
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }
}
