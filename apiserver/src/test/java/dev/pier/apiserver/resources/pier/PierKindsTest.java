package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.discovery.OpenApi;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.Harness;
import dev.pier.apiserver.schema.UnknownFields;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the three kinds share: their schemas (served, and pruning unknown fields), tables and defaults. */
class PierKindsTest {
    private static final ResourceRegistry REGISTRY = new ResourceRegistry(PierKinds.types());
    private static final Map<String, String> SAMPLES = Map.of(
            "clusters", "metadata: {name: demo}\nspec: {defaultNodeGroup: {nodeCount: 2, taints: [{key: a, effect: NoSchedule}]}}",
            "nodegroups", "metadata: {name: demo.w}\nspec: {cluster: demo, autoscale: {enabled: true, minNodeCount: 1, maxNodeCount: 3}, autoRepair: {enabled: true}}",
            "machines", "metadata: {name: demo-node-1}\nspec: {cluster: demo, nodeGroup: demo.default-worker}");

    @Test
    void unknownFieldsArePrunedAndNamed() {
        ObjectNode body = Harness.yaml("""
                metadata: {name: demo}
                spec:
                  network: {podCIDR: 10.1.0.0/16}
                  defaultNodeGroup: {labels: {any-key: v}, taints: [{key: a, effect: NoSchedule, tolerate: true}]}
                  labels: {kube_tag: v1.32.4}
                  replicas: 3
                """);
        assertThat(UnknownFields.findAndPrune(type("clusters"), body)).containsExactly(
                "spec.network.podCIDR", "spec.defaultNodeGroup.taints[0].tolerate", "spec.replicas");
        assertThat(body.at("/spec/labels/kube_tag").asText()).as("a string map keeps its keys").isEqualTo("v1.32.4");
        assertThat(body.at("/spec/defaultNodeGroup/labels").has("any-key")).isTrue();
    }

    @Test
    void openApiDocumentsDescribeEachKindForExplainAndApply() {
        OpenApi openApi = new OpenApi(REGISTRY);
        ObjectNode doc = Json.parseObject(openApi.document("apis/pier.dev/v1"));
        JsonNode patch = doc.at("/paths/~1apis~1pier.dev~1v1~1clusters~1{name}/patch");
        assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Cluster");
        assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
        JsonNode cluster = null;
        for (JsonNode s : doc.at("/components/schemas")) {
            if (s.at("/x-kubernetes-group-version-kind/0/kind").asText().equals("Cluster")) cluster = s;
        }
        assertThat(cluster).isNotNull();
        assertThat(cluster.at("/properties/spec/properties/network/properties/podCidr/description").asText()).contains("10.244.0.0/16");
        assertThat(cluster.at("/properties/metadata/allOf/0/$ref").asText()).endsWith("ObjectMeta");
        assertThat(doc.at("/components/schemas").has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
    }

    /** Defaults are idempotent: re-sending a stored object changes nothing, so the store skips the write. */
    @Test
    void updatesOfStoredObjectsAreNoOps() throws Exception {
        for (ResourceType t : REGISTRY.all()) {
            ObjectNode created = Harness.created(t.strategy(), SAMPLES.get(t.resource()));
            assertThat(t.strategy().validate(created)).as(t.resource()).isEmpty();
            ObjectNode stored = (ObjectNode) Json.MAPPER.readTree(Json.bytes(created));
            ObjectNode again = stored.deepCopy();
            t.strategy().prepareForUpdate(again, stored);
            assertThat(again).as(t.resource()).isEqualTo(stored);
        }
    }

    @Test
    void tablesNeverFailOnBareObjects() {
        for (ResourceType t : REGISTRY.all()) {
            var table = t.strategy().table();
            var cells = table.cells(Harness.yaml("metadata: {name: x}"));
            assertThat(cells).as(t.resource()).hasSize(table.columns().size());
            cells.forEach(c -> assertThat(c.isNull()).as(t.resource()).isFalse());
        }
    }

    private static ResourceType type(String resource) {
        return REGISTRY.find(PierKinds.GROUP, PierKinds.VERSION, resource).orElseThrow();
    }
}
