package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.Allocator;
import dev.pier.apiserver.resources.Tree;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.StorageException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cluster IPs (from 10.96.0.0/12, kubeadm's default service CIDR) and node ports (30000-32767) of
 * Services, reserved in storage per cell (see {@link ReservedRange}). Values a client names are checked
 * and taken as asked; missing ones are chosen. Errors read as Kubernetes' allocators word them.
 */
public final class ServiceAllocator implements Allocator {
    public static final String SERVICE_CIDR = "10.96.0.0/12";
    private static final long NETWORK = Ips.toLong("10.96.0.0");
    private static final long SIZE = 1L << 20;
    static final ReservedRange IPS = new ReservedRange("serviceips", NETWORK + 1, NETWORK + SIZE - 2, 256, Ips::fromLong);
    static final ReservedRange NODE_PORTS = new ReservedRange("servicenodeports", 30000, 32767, 86, Long::toString);

    @Override
    public Runnable allocate(KeyValueStore kv, String cell, ObjectNode svc, ObjectNode old, boolean dryRun) {
        List<Runnable> undo = new ArrayList<>();
        Runnable undoAll = () -> undo.forEach(ServiceAllocator::quietly);
        try {
            clusterIp(kv, cell, svc, old, dryRun, undo);
            nodePorts(kv, cell, svc, old, dryRun, undo);
            return undoAll;
        } catch (RuntimeException e) {
            undoAll.run();
            if (e instanceof StorageException s) throw ApiException.unavailable("storage is unavailable: " + s.getMessage(), s);
            throw e;
        }
    }

    private void clusterIp(KeyValueStore kv, String cell, ObjectNode svc, ObjectNode old, boolean dryRun, List<Runnable> undo) {
        ObjectNode spec = Tree.obj(svc, "spec");
        if (!ServiceDefaults.needsClusterIp(spec)) return;
        String ip = Tree.text(spec, "clusterIP");
        if (ip.isEmpty()) {
            long chosen = IPS.allocate(kv, cell, svc, dryRun);
            if (chosen < 0) throw ApiException.internal("failed to allocate a serviceIP: range is full");
            if (!dryRun) undo.add(() -> IPS.release(kv, cell, chosen, svc));
            spec.put("clusterIP", Ips.fromLong(chosen));
            spec.putArray("clusterIPs").add(Ips.fromLong(chosen));
            return;
        }
        if (old != null && ip.equals(Tree.text(old.path("spec"), "clusterIP"))) return; // already held
        FieldPath path = FieldPath.root("spec").child("clusterIPs");
        if (!Ips.isIPv4(ip) || !IPS.contains(Ips.toLong(ip))) {
            throw invalid(svc, FieldError.invalid(path, spec.get("clusterIPs"), "failed to allocate IP " + ip + ": the provided IP ("
                    + ip + ") is not in the valid range. The range of valid IPs is " + SERVICE_CIDR));
        }
        long value = Ips.toLong(ip);
        boolean free = dryRun ? IPS.heldBy(kv, cell, value, svc).orElse(true) : IPS.reserve(kv, cell, value, svc);
        if (!free) {
            throw invalid(svc, FieldError.invalid(path, spec.get("clusterIPs"),
                    "failed to allocate IP " + ip + ": provided IP is already allocated"));
        }
        if (!dryRun) undo.add(() -> IPS.release(kv, cell, value, svc));
    }

    private void nodePorts(KeyValueStore kv, String cell, ObjectNode svc, ObjectNode old, boolean dryRun, List<Runnable> undo) {
        ObjectNode spec = Tree.obj(svc, "spec");
        Set<Long> held = old == null ? Set.of() : nodePortsOf(old);
        Set<Long> taken = new LinkedHashSet<>(); // one service may use a number twice, for TCP and UDP
        List<ObjectNode> ports = Tree.objects(spec, "ports");
        boolean needs = ServiceDefaults.needsNodePorts(spec);
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode p = ports.get(i);
            long port = Tree.number(p, "nodePort", 0);
            if (port == 0) {
                if (!needs) continue;
                p.put("nodePort", (int) any(kv, cell, svc, dryRun, undo));
                continue;
            }
            if (held.contains(port) || !taken.add(port)) continue;
            specific(kv, cell, svc, port, FieldPath.root("spec").child("ports").index(i).child("nodePort"), dryRun, undo);
        }
        boolean healthCheck = Tree.text(spec, "type").equals("LoadBalancer") && Tree.text(spec, "externalTrafficPolicy").equals("Local");
        long hc = Tree.number(spec, "healthCheckNodePort", 0);
        if (healthCheck && hc == 0) {
            spec.put("healthCheckNodePort", (int) any(kv, cell, svc, dryRun, undo));
        } else if (hc != 0 && !held.contains(hc) && taken.add(hc)) {
            specific(kv, cell, svc, hc, FieldPath.root("spec").child("healthCheckNodePort"), dryRun, undo);
        }
    }

    private long any(KeyValueStore kv, String cell, ObjectNode svc, boolean dryRun, List<Runnable> undo) {
        long chosen = NODE_PORTS.allocate(kv, cell, svc, dryRun);
        if (chosen < 0) throw ApiException.internal("failed to allocate a nodePort: range is full");
        if (!dryRun) undo.add(() -> NODE_PORTS.release(kv, cell, chosen, svc));
        return chosen;
    }

    private void specific(KeyValueStore kv, String cell, ObjectNode svc, long port, FieldPath path, boolean dryRun, List<Runnable> undo) {
        if (!NODE_PORTS.contains(port)) {
            throw invalid(svc, FieldError.invalid(path, port,
                    "provided port is not in the valid range. The range of valid ports is 30000-32767"));
        }
        boolean free = dryRun ? NODE_PORTS.heldBy(kv, cell, port, svc).orElse(true) : NODE_PORTS.reserve(kv, cell, port, svc);
        if (!free) throw invalid(svc, FieldError.invalid(path, port, "provided port is already allocated"));
        if (!dryRun) undo.add(() -> NODE_PORTS.release(kv, cell, port, svc));
    }

    /**
     * Never fails: the write it follows has happened, so a value that cannot be freed now (storage down)
     * stays reserved rather than failing the request.
     */
    @Override
    public void release(KeyValueStore kv, String cell, ObjectNode old, ObjectNode svc) {
        try {
            releaseHeld(kv, cell, old, svc);
        } catch (RuntimeException e) {
            // leaked until the next release attempt; never handed out twice
        }
    }

    private void releaseHeld(KeyValueStore kv, String cell, ObjectNode old, ObjectNode svc) {
        String oldIp = Tree.text(old.path("spec"), "clusterIP");
        String newIp = svc == null ? "" : Tree.text(svc.path("spec"), "clusterIP");
        if (Ips.isIPv4(oldIp) && !oldIp.equals(newIp) && IPS.contains(Ips.toLong(oldIp))) IPS.release(kv, cell, Ips.toLong(oldIp), old);
        Set<Long> kept = svc == null ? Set.of() : nodePortsOf(svc);
        for (long port : nodePortsOf(old)) {
            if (!kept.contains(port) && NODE_PORTS.contains(port)) NODE_PORTS.release(kv, cell, port, old);
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // as release: a value that cannot be freed now stays reserved
        }
    }

    private static Set<Long> nodePortsOf(ObjectNode svc) {
        Set<Long> out = new LinkedHashSet<>();
        JsonNode spec = svc.path("spec");
        for (JsonNode p : Tree.items(spec, "ports")) if (Tree.number(p, "nodePort", 0) != 0) out.add(Tree.number(p, "nodePort", 0));
        if (Tree.number(spec, "healthCheckNodePort", 0) != 0) out.add(Tree.number(spec, "healthCheckNodePort", 0));
        return out;
    }

    private static ApiException invalid(ObjectNode svc, FieldError error) {
        return ApiException.invalid("", "Service", svc.path("metadata").path("name").asText(""), List.of(error));
    }
}
