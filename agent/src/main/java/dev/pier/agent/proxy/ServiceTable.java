package dev.pier.agent.proxy;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Joins Services and EndpointSlices (as fabric8 informers hold them) into the Service ports this node
 * programs, each with its endpoints. Like kube-proxy it skips ExternalName and headless Services, Services
 * another proxy claims ({@code service.kubernetes.io/service-proxy-name}), and addresses other than IPv4.
 */
final class ServiceTable {
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

    private ServiceTable() {
    }

    static List<ServicePortRules> build(Collection<Service> services, Collection<EndpointSlice> slices, String nodeName) {
        Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice slice : slices) {
            if (!"IPv4".equals(slice.getAddressType()) || slice.getMetadata().getLabels() == null) continue;
            String service = slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
            if (service == null) continue;
            slicesByService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service, k -> new ArrayList<>()).add(slice);
        }
        List<ServicePortRules> out = new ArrayList<>();
        for (Service svc : services) {
            ServiceSpec spec = svc.getSpec();
            if (spec == null || "ExternalName".equals(spec.getType()) || spec.getPorts() == null) continue;
            String clusterIp = spec.getClusterIP();
            if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None") || clusterIp.contains(":")) continue;
            var labels = svc.getMetadata().getLabels();
            if (labels != null && !labels.getOrDefault(PROXY_NAME_LABEL, "").isEmpty()) continue;
            String nsName = svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName();
            List<EndpointSlice> own = slicesByService.getOrDefault(nsName, List.of());
            for (ServicePort port : spec.getPorts()) {
                out.add(portRules(nsName, spec, svc, port, own, nodeName));
            }
        }
        out.sort(Comparator.comparing(ServicePortRules::name).thenComparing(ServicePortRules::protocol));
        return out;
    }

    private static ServicePortRules portRules(String nsName, ServiceSpec spec, Service svc, ServicePort port,
                                              List<EndpointSlice> slices, String nodeName) {
        String portName = port.getName() == null ? "" : port.getName();
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        List<String> lbIps = new ArrayList<>();
        if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null && svc.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress ingress : svc.getStatus().getLoadBalancer().getIngress()) {
                if (ingress.getIp() != null && !ingress.getIp().isEmpty() && !ingress.getIp().contains(":")) lbIps.add(ingress.getIp());
            }
        }
        List<String> externalIps = spec.getExternalIPs() == null ? List.of()
                : spec.getExternalIPs().stream().filter(ip -> !ip.contains(":")).toList();
        int affinity = 0;
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            affinity = 10800;
            var config = spec.getSessionAffinityConfig();
            if (config != null && config.getClientIP() != null && config.getClientIP().getTimeoutSeconds() != null) {
                affinity = config.getClientIP().getTimeoutSeconds();
            }
        }
        Map<String, ProxyEndpoint> endpoints = new LinkedHashMap<>();
        for (EndpointSlice slice : slices) {
            if (slice.getPorts() == null || slice.getEndpoints() == null) continue;
            for (EndpointPort ep : slice.getPorts()) {
                String epName = ep.getName() == null ? "" : ep.getName();
                String epProtocol = ep.getProtocol() == null ? "TCP" : ep.getProtocol();
                if (!epName.equals(portName) || !epProtocol.equals(protocol) || ep.getPort() == null) continue;
                for (Endpoint e : slice.getEndpoints()) {
                    if (e.getAddresses() == null || e.getAddresses().isEmpty()) continue;
                    var c = e.getConditions();
                    // nil conditions mean ready and serving, not terminating (the API's documented defaults)
                    boolean ready = c == null || c.getReady() == null || c.getReady();
                    boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
                    boolean terminating = c != null && c.getTerminating() != null && c.getTerminating();
                    ProxyEndpoint pe = new ProxyEndpoint(e.getAddresses().getFirst(), ep.getPort(), ready, serving, terminating,
                            Objects.equals(e.getNodeName(), nodeName));
                    endpoints.putIfAbsent(pe.address(), pe);
                }
            }
        }
        List<ProxyEndpoint> sorted = new ArrayList<>(endpoints.values());
        sorted.sort(Comparator.comparing(ProxyEndpoint::ip, ServiceTable::compareIps).thenComparing(ProxyEndpoint::port));
        return new ServicePortRules(nsName + (portName.isEmpty() ? "" : ":" + portName), protocol.toLowerCase(Locale.ROOT),
                spec.getClusterIP(), port.getPort(), port.getNodePort() == null ? 0 : port.getNodePort(),
                lbIps, externalIps, affinity, "Local".equals(spec.getExternalTrafficPolicy()),
                "Local".equals(spec.getInternalTrafficPolicy()), sorted);
    }

    private static int compareIps(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
