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

class NodeGroupStrategyTest {
    private static final ResourceStrategy GROUPS = NodeGroupStrategy.INSTANCE;

    @Test
    void defaultsAndTheClusterLabel() {
        ObjectNode g = created(GROUPS, "metadata: {name: demo.workers}\nspec: {cluster: demo}");
        assertThat(g.get("spec")).isEqualTo(yaml("""
                cluster: demo
                nodeCount: 1
                flavor: m1.small
                autoscale: {enabled: false}
                autoRepair: {enabled: false}
                maxSurge: 1
                """));
        assertThat(g.at("/metadata/labels/pier.dev~1cluster").asText()).isEqualTo("demo");
        assertThat(GROUPS.validate(g)).isEmpty();

        ObjectNode enabled = created(GROUPS, """
                metadata: {name: demo.workers}
                spec: {cluster: demo, nodeCount: 2, autoscale: {enabled: true, minNodeCount: 1, maxNodeCount: 5}, autoRepair: {enabled: true}}
                """);
        assertThat(enabled.at("/spec/autoscale")).isEqualTo(yaml(
                "{enabled: true, minNodeCount: 1, maxNodeCount: 5, scaleDownDelaySeconds: 600, scaleDownUtilizationThreshold: 0.5}"));
        assertThat(enabled.at("/spec/autoRepair")).isEqualTo(yaml("{enabled: true, notReadySeconds: 300}"));
        assertThat(GROUPS.validate(enabled)).isEmpty();
    }

    @Test
    void namedClusterDotGroup() {
        assertThat(createErrors(GROUPS, "metadata: {name: other.workers}\nspec: {cluster: demo}")).singleElement().asString()
                .startsWith("metadata.name: Invalid value: \"other.workers\": must be <cluster>.<group>: spec.cluster (demo), a dot and the group's name");
        assertThat(createErrors(GROUPS, "metadata: {name: demo.a23456789012345678901}\nspec: {cluster: demo}")).singleElement().asString()
                .startsWith("metadata.name: Invalid value");
        assertThat(createErrors(GROUPS, "metadata: {name: demo.default-worker}\nspec: {cluster: demo}")).isEmpty();
        assertThat(createErrors(GROUPS, "metadata: {name: demo.workers}\nspec: {}")).containsExactly(
                "spec.cluster: Required value: the name of the Cluster the group belongs to");
        assertThat(createErrors(GROUPS, "metadata: {name: demo.workers, labels: {pier.dev/cluster: other}}\nspec: {cluster: demo}"))
                .containsExactly("metadata.labels[pier.dev/cluster]: Invalid value: \"other\": must be spec.cluster (demo)");
    }

    @Test
    void sizesWithinLimitsAndAutoscaleBounds() {
        assertThat(createErrors(GROUPS, "metadata: {name: demo.w}\nspec: {cluster: demo, nodeCount: -1, maxSurge: -1, flavor: m1.tiny}"))
                .containsExactly(
                        "spec.nodeCount: Invalid value: -1: must be between 0 and 10 (the most nodes a group may have)",
                        "spec.flavor: Unsupported value: \"m1.tiny\": supported values: \"m1.small\", \"m1.medium\", \"m1.large\"",
                        "spec.maxSurge: Invalid value: -1: must be greater than or equal to 0");
        assertThat(createErrors(GROUPS, "metadata: {name: demo.w}\nspec: {cluster: demo, autoscale: {enabled: true}}")).containsExactly(
                "spec.autoscale.minNodeCount: Required value: when autoscaling is enabled",
                "spec.autoscale.maxNodeCount: Required value: when autoscaling is enabled");
        assertThat(createErrors(GROUPS, """
                metadata: {name: demo.w}
                spec: {cluster: demo, nodeCount: 1, autoscale: {enabled: true, minNodeCount: 2, maxNodeCount: 11, scaleDownUtilizationThreshold: 1.5}}
                """)).containsExactly(
                "spec.autoscale.maxNodeCount: Invalid value: 11: must be at most 10 (the most nodes a group may have)",
                "spec.nodeCount: Invalid value: 1: must be between autoscale.minNodeCount (2) and autoscale.maxNodeCount (11)",
                "spec.autoscale.scaleDownUtilizationThreshold: Invalid value: 1.5: must be greater than 0 and at most 1 (a node's requests over its allocatable)");
        assertThat(createErrors(GROUPS, "metadata: {name: demo.w}\nspec: {cluster: demo, autoscale: {enabled: true, minNodeCount: 4, maxNodeCount: 3}}"))
                .containsExactly("spec.autoscale.minNodeCount: Invalid value: 4: must be less than or equal to maxNodeCount (3)");
        assertThat(createErrors(GROUPS, "metadata: {name: demo.w}\nspec: {cluster: demo, nodeCount: 3, autoscale: {enabled: false, minNodeCount: 4, maxNodeCount: 3}}"))
                .as("bounds only matter while autoscaling").isEmpty();
    }

    @Test
    void autoRepairAndNodesToRemove() {
        assertThat(createErrors(GROUPS, """
                metadata: {name: demo.w}
                spec: {cluster: demo, autoRepair: {enabled: true, notReadySeconds: 10}, nodesToRemove: [demo-w-1, Demo_W_2, demo-w-1]}
                """)).containsExactly(
                "spec.autoRepair.notReadySeconds: Invalid value: 10: must be at least 30",
                "spec.nodesToRemove[1]: Invalid value: \"Demo_W_2\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                        + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
                        + "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "spec.nodesToRemove[2]: Duplicate value: \"demo-w-1\"");
    }

    @Test
    void theClusterIsFixedOnceCreated() {
        ObjectNode g = created(GROUPS, "metadata: {name: demo.w}\nspec: {cluster: demo}");
        ObjectNode scaled = g.deepCopy();
        scaled.withObject("/spec").put("nodeCount", 4).putArray("nodesToRemove").add("demo-w-1");
        assertThat(updateErrors(GROUPS, g, scaled)).isEmpty();
        ObjectNode moved = g.deepCopy();
        moved.withObject("/spec").put("cluster", "other");
        assertThat(updateErrors(GROUPS, g, moved)).first().asString()
                .isEqualTo("spec.cluster: Invalid value: \"other\": field is immutable");
    }

    @Test
    void tableShowsClusterPhaseNodesAndFlavor() {
        ObjectNode g = created(GROUPS, "metadata: {name: demo.w}\nspec: {cluster: demo, flavor: m1.large}");
        g.set("status", yaml("{phase: UPDATE_IN_PROGRESS, nodes: {ready: 1, total: 2}}"));
        assertThat(row(GROUPS.table(), g).keySet()).containsExactly("Name", "Cluster", "Phase", "Nodes", "Flavor", "Age");
        assertThat(row(GROUPS.table(), g)).containsEntry("Name", "demo.w").containsEntry("Cluster", "demo")
                .containsEntry("Phase", "UPDATE_IN_PROGRESS").containsEntry("Nodes", "1/2").containsEntry("Flavor", "m1.large");
        assertThat(GROUPS.fieldSelectors().get("spec.cluster").apply(g)).isEqualTo("demo");
    }
}
