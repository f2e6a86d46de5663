package dev.pier.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/** What cluster DNS reads of one cell: its Services and EndpointSlices, as the API stores them (read-only). */
public interface ClusterView {
    Optional<ObjectNode> service(String namespace, String name);

    /** Every Service of the cell, for reverse (PTR) look-ups. */
    List<ObjectNode> services();

    /** The EndpointSlices of one Service (label {@code kubernetes.io/service-name}). */
    List<ObjectNode> endpointSlices(String namespace, String service);
}
