package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceStrategy;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static dev.pier.apiserver.resources.Harness.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class MachineStrategyTest {
    private static final ResourceStrategy MACHINES = MachineStrategy.INSTANCE;
    private static final String MACHINE = "metadata: {name: demo-node-1}\n"
            + "spec: {cluster: demo, nodeGroup: demo.default-worker, flavor: m1.small, providerId: local://pier/demo-node-1}";

    @Test
    void labelledWithClusterAndGroup() {
        ObjectNode m = created(MACHINES, MACHINE);
        assertThat(m.at("/metadata/labels")).isEqualTo(yaml("{pier.dev/cluster: demo, pier.dev/nodegroup: demo.default-worker}"));
        assertThat(MACHINES.validate(m)).isEmpty();
    }

    @Test
    void clusterAndGroupRequired() {
        assertThat(createErrors(MACHINES, "spec: {flavor: m2.odd}")).containsExactly(
                "spec.cluster: Required value", "spec.nodeGroup: Required value",
                "spec.flavor: Unsupported value: \"m2.odd\": supported values: \"m1.small\", \"m1.medium\", \"m1.large\"");
    }

    @Test
    void specIsFixedOnceCreated() {
        ObjectNode m = created(MACHINES, MACHINE);
        ObjectNode relabelled = m.deepCopy();
        relabelled.withObject("/metadata/labels").put("team", "a");
        assertThat(updateErrors(MACHINES, m, relabelled)).isEmpty();
        ObjectNode bigger = m.deepCopy();
        bigger.withObject("/spec").put("flavor", "m1.large");
        assertThat(updateErrors(MACHINES, m, bigger)).singleElement().asString()
                .startsWith("spec: Invalid value: ").endsWith("field is immutable");
    }

    @Test
    void tableShowsTheInternalAddress() {
        ObjectNode m = created(MACHINES, MACHINE);
        assertThat(row(MACHINES.table(), m)).containsEntry("Address", "<none>");
        m.set("status", yaml("{phase: Running, nodeName: demo-node-1, addresses: [{type: Hostname, address: h1}, {type: InternalIP, address: 10.0.0.7}]}"));
        assertThat(row(MACHINES.table(), m).keySet()).containsExactly("Name", "Cluster", "NodeGroup", "Phase", "Address", "Age");
        assertThat(row(MACHINES.table(), m)).containsEntry("Cluster", "demo").containsEntry("NodeGroup", "demo.default-worker")
                .containsEntry("Phase", "Running").containsEntry("Address", "10.0.0.7");
        assertThat(MACHINES.validate(m)).isEmpty();
    }
}
