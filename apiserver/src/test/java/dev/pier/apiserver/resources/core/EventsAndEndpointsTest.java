package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.table.Column;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static org.assertj.core.api.Assertions.assertThat;

class EventsAndEndpointsTest {
    private final EventStrategy events = new EventStrategy();
    private final EndpointsStrategy endpoints = new EndpointsStrategy();

    @Test
    void eventTableHidesTheNameUnlessWide() {
        assertThat(events.table().columns()).extracting(Column::name).containsExactly(
                "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name");
        assertThat(events.table().columns()).filteredOn(c -> c.priority() == 0).extracting(Column::name)
                .containsExactly("Last Seen", "Type", "Reason", "Object", "Message");
        String tenMinutesAgo = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode e = created(events, """
                metadata: {name: web.17a, namespace: default}
                involvedObject: {kind: Pod, name: web, namespace: default, fieldPath: "spec.containers{web}"}
                reason: Pulled
                type: Normal
                message: "  Successfully pulled image  "
                source: {component: kubelet, host: n1}
                firstTimestamp: "%s"
                count: 3
                """.formatted(tenMinutesAgo));
        assertThat(row(events.table(), e)).containsEntry("Last Seen", "10m").containsEntry("Object", "pod/web")
                .containsEntry("Message", "Successfully pulled image").containsEntry("Source", "kubelet, n1")
                .containsEntry("Subobject", "spec.containers{web}").containsEntry("Count", "3").containsEntry("Name", "web.17a");
    }

    @Test
    void eventNamespaces() {
        assertThat(createErrors(events, "metadata: {namespace: a}\ninvolvedObject: {kind: Pod, name: p, namespace: b}"))
                .containsExactly("involvedObject.namespace: Invalid value: \"b\": does not match event.namespace");
        assertThat(createErrors(events, "metadata: {namespace: default}\ninvolvedObject: {kind: Node, name: n1}")).isEmpty();
        assertThat(createErrors(events, "metadata: {namespace: default}\neventTime: \"2024-05-01T10:00:00.000000Z\"\ninvolvedObject: {kind: Node, name: n1}"))
                .containsExactly("reportingComponent: Required value", "reportingInstance: Required value", "action: Required value", "reason: Required value");
    }

    @Test
    void endpoints() {
        ObjectNode ep = created(endpoints, """
                subsets:
                - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
                  ports: [{port: 80}, {name: b, port: 443}]
                """);
        assertThat(ep.path("subsets").get(0).path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        assertThat(EndpointsStrategy.endpoints(ep)).isEqualTo("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
        assertThat(EndpointsStrategy.endpoints(created(endpoints, "metadata: {name: e}"))).isEqualTo("<none>");
        assertThat(createErrors(endpoints, "subsets: [{addresses: [{ip: nope}], ports: [{port: 80}]}]"))
                .containsExactly("subsets[0].addresses[0].ip: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }
}
