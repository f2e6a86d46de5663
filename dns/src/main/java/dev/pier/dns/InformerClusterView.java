package dev.pier.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;

import java.util.List;
import java.util.Optional;

/**
 * One cell's Services and EndpointSlices straight from the controller manager's informers: every query
 * reads the current state, so a Service resolves as soon as the informers have seen it (no cache of our own).
 */
record InformerClusterView(String cell, Informer serviceInformer, Informer sliceInformer) implements ClusterView {
    private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    @Override
    public Optional<ObjectNode> service(String namespace, String name) {
        return serviceInformer.get(new ObjectKey(cell, namespace, name));
    }

    @Override
    public List<ObjectNode> services() {
        return serviceInformer.listCell(cell);
    }

    @Override
    public List<ObjectNode> endpointSlices(String namespace, String service) {
        return sliceInformer.list(cell, namespace).stream()
                .filter(s -> s.path("metadata").path("labels").path(SERVICE_NAME_LABEL).asText().equals(service))
                .toList();
    }
}
