package dev.pier.agent.proxy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.Map;

/** Services and EndpointSlices as the fabric8 informers hand them to the proxy. */
final class Fixtures {
    private Fixtures() {
    }

    static ServiceBuilder service(String name, String clusterIp, int port, int targetPort) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withSessionAffinity("None")
                .addNewPort().withName("http").withProtocol("TCP").withPort(port).withTargetPort(new IntOrString(targetPort)).endPort()
                .endSpec();
    }

    static Service nodePort(String name, String clusterIp, int port, int targetPort, int nodePort) {
        return service(name, clusterIp, port, targetPort).editSpec().withType("NodePort").withExternalTrafficPolicy("Cluster")
                .editFirstPort().withNodePort(nodePort).endPort().endSpec().build();
    }

    /** A slice of {@code service}; each endpoint is {@code ip} or {@code ip@node}, all ready unless listed in notReady. */
    static EndpointSlice slice(String service, int port, String... endpoints) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-abc")
                .withLabels(Map.of(ServiceTable.SERVICE_NAME_LABEL, service)).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withProtocol("TCP").withPort(port).endPort();
        for (String e : endpoints) {
            boolean ready = !e.startsWith("!");
            String[] parts = e.replace("!", "").split("@");
            b.addToEndpoints(new EndpointBuilder().withAddresses(parts[0]).withNodeName(parts.length > 1 ? parts[1] : "node-b")
                    .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions().build());
        }
        return b.build();
    }
}
