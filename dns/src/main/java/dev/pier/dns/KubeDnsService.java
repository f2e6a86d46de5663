package dev.pier.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The {@code kube-system/kube-dns} Service of a cell, as kubeadm's: cluster IP 10.96.0.10, ports 53/UDP
 * ({@code dns}) and 53/TCP ({@code dns-tcp}), label {@code k8s-app=kube-dns}. It has no selector: its one
 * EndpointSlice, which Pier manages and not the EndpointSlice controller, points at the cell's DNS server on the
 * machines' gateway, so the agents' Service proxy carries pods' queries there like any Service's traffic.
 */
public final class KubeDnsService {
    private static final Logger LOG = LoggerFactory.getLogger(KubeDnsService.class);
    public static final String NAMESPACE = "kube-system";
    public static final String NAME = "kube-dns";
    public static final String CLUSTER_IP = "10.96.0.10";
    /** Not the EndpointSlice controller's value, so that it leaves the slice alone. */
    public static final String MANAGED_BY = "dns.pier.dev";
    static final String SLICE_NAME = "kube-dns-pier";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeDnsService() {
    }

    /**
     * The port the cell's DNS server had before this start (0 if none): serving on it again keeps the nodes' DNAT
     * rules right from the first query, instead of pods timing out until every agent has seen the new port.
     */
    public static int previousPort(LocalClient client, String cell) {
        ResourceClient slices = client.resource(cell, client.builtin("discovery.k8s.io", "v1", "endpointslices"));
        return slices.find(NAMESPACE, SLICE_NAME).map(s -> s.path("ports").path(0).path("port").asInt(0)).orElse(0);
    }

    /** Creates the Service if missing and points its EndpointSlice at {@code address:port} (again at each start, in case the port changed). */
    public static void publish(LocalClient client, String cell, String address, int port) {
        ResourceClient services = client.resource(cell, client.builtin("", "v1", "services"));
        if (services.find(NAMESPACE, NAME).isEmpty()) {
            try {
                services.create(NAMESPACE, service());
                LOG.info("cell {}: created Service {}/{} at {}", cell, NAMESPACE, NAME, CLUSTER_IP);
            } catch (ApiException e) {
                // 10.96.0.10 taken by some other Service: DNS still answers on the gateway, pods just cannot reach it
                LOG.warn("cell {}: cannot create Service {}/{}: {}", cell, NAMESPACE, NAME, e.getMessage());
                return;
            }
        }
        ResourceClient slices = client.resource(cell, client.builtin("discovery.k8s.io", "v1", "endpointslices"));
        ObjectNode slice = slice(address, port);
        Optional<ObjectNode> existing = slices.find(NAMESPACE, SLICE_NAME);
        if (existing.isPresent()) {
            slice.with("metadata").put("resourceVersion", existing.get().path("metadata").path("resourceVersion").asText());
            slices.update(slice);
        } else {
            slices.create(NAMESPACE, slice);
        }
        LOG.info("cell {}: {}/{} ({}) answered by the DNS server at {}:{}", cell, NAMESPACE, NAME, CLUSTER_IP, address, port);
    }

    private static ObjectNode service() {
        ObjectNode svc = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata").put("name", NAME).put("namespace", NAMESPACE);
        meta.putObject("labels").put("k8s-app", "kube-dns").put("kubernetes.io/name", "PierDNS")
                .put("kubernetes.io/cluster-service", "true");
        ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP").put("clusterIP", CLUSTER_IP);
        ArrayNode ports = spec.putArray("ports");
        ports.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP").put("targetPort", 53);
        ports.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP").put("targetPort", 53);
        return svc;
    }

    private static ObjectNode slice(String address, int port) {
        ObjectNode slice = JSON.createObjectNode().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
        ObjectNode meta = slice.putObject("metadata").put("name", SLICE_NAME).put("namespace", NAMESPACE);
        meta.putObject("labels").put("kubernetes.io/service-name", NAME).put("endpointslice.kubernetes.io/managed-by", MANAGED_BY);
        slice.put("addressType", "IPv4");
        ObjectNode endpoint = slice.putArray("endpoints").addObject();
        endpoint.putArray("addresses").add(address);
        endpoint.putObject("conditions").put("ready", true).put("serving", true).put("terminating", false);
        ArrayNode ports = slice.putArray("ports");
        ports.addObject().put("name", "dns").put("port", port).put("protocol", "UDP");
        ports.addObject().put("name", "dns-tcp").put("port", port).put("protocol", "TCP");
        return slice;
    }
}
