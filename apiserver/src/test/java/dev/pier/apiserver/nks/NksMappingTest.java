package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NKS requests as objects, objects as NKS JSON, and the kinds' errors in NKS terms. */
class NksMappingTest {
    private static byte[] json(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode parse(String s) {
        return Json.parseObject(json(s));
    }

    private static NksException refusal(Runnable r) {
        try {
            r.run();
        } catch (NksException e) {
            return e;
        }
        throw new AssertionError("expected an NksException");
    }

    @Test
    void aClusterCreateBecomesAClusterObject() {
        ObjectNode c = ClusterRequests.create(json("{'name': 'prod', 'node_count': 3, 'flavor': 'm1.medium', 'labels': {'kube_tag': 'v1.32'},"
                + "'pod_cidr': '10.100.0.0/16', 'service_cidr': '10.200.0.0/16', 'pod_subnet_size': 25, 'cluster_domain': 'prod.local',"
                + "'node_taints': ['dedicated=db:NoSchedule', 'spot:PreferNoSchedule']}"));
        assertThat(c.path("apiVersion").asText()).isEqualTo("pier.dev/v1");
        assertThat(c.path("kind").asText()).isEqualTo("Cluster");
        assertThat(c.at("/metadata/name").asText()).isEqualTo("prod");
        assertThat(c.at("/spec/network")).isEqualTo(parse("{'podCidr': '10.100.0.0/16', 'serviceCidr': '10.200.0.0/16', 'podSubnetSize': 25,"
                + "'clusterDomain': 'prod.local'}"));
        assertThat(c.at("/spec/defaultNodeGroup")).isEqualTo(parse("{'nodeCount': 3, 'flavor': 'm1.medium', 'taints': ["
                + "{'key': 'dedicated', 'value': 'db', 'effect': 'NoSchedule'}, {'key': 'spot', 'effect': 'PreferNoSchedule'}]}"));
        assertThat(c.at("/spec/labels")).isEqualTo(parse("{'kube_tag': 'v1.32'}"));
    }

    @Test
    void everyBadFieldOfACreateIsNamedAtOnce() {
        NksException e = refusal(() -> ClusterRequests.create(json("{'node_count': 'three', 'node_cout': 3, 'labels': {'a': {}},"
                + "'node_taints': ['nocolon']}")));
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.problems()).extracting(Problem::field)
                .containsExactlyInAnyOrder("node_cout", "name", "node_count", "labels[a]", "node_taints[0]");
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.fix()).as(p.field()).isNotBlank());
        JsonNode body = e.toJson();
        assertThat(body.at("/errors/0/status").asInt()).isEqualTo(422);
        assertThat(body.at("/errors/0/code").asText()).isEqualTo("invalid");
    }

    @Test
    void aBodyThatIsNotAnObjectIsABadRequest() {
        assertThat(refusal(() -> ClusterRequests.create(json("[1]"))).status()).isEqualTo(400);
        assertThat(refusal(() -> ClusterRequests.create(json("{"))).status()).isEqualTo(400);
        assertThat(refusal(() -> ClusterRequests.create(new byte[0])).status()).isEqualTo(400);
    }

    @Test
    void aClusterPatchReplacesMapsAndRefusesFixedFields() {
        ObjectNode current = parse("{'spec': {'labels': {'a': '1', 'b': '2'}, 'defaultNodeGroup': {'nodeCount': 1}}}");
        ObjectNode patch = ClusterRequests.patch(json("{'labels': {'b': '3'}, 'node_count': 4}"), current);
        assertThat(patch).isEqualTo(parse("{'spec': {'defaultNodeGroup': {'nodeCount': 4}, 'labels': {'a': null, 'b': '3'}}}"));

        NksException e = refusal(() -> ClusterRequests.patch(json("{'pod_cidr': '10.1.0.0/16'}"), current));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("pod_cidr");
            assertThat(p.detail()).contains("cannot be changed");
        });
    }

    @Test
    void aNodeGroupCreateIsNamedAfterItsClusterAndOwnedByIt() {
        ObjectNode cluster = parse("{'metadata': {'name': 'prod', 'uid': 'u-1'}}");
        ObjectNode g = NodeGroupRequests.create(json("{'name': 'gpu', 'node_count': 2, 'node_labels': {'tier': 'gpu'},"
                + "'min_node_count': 1, 'max_node_count': 5, 'autoscale': true, 'auto_repair': false}"), cluster);
        assertThat(g.at("/metadata/name").asText()).isEqualTo("prod.gpu");
        assertThat(g.at("/metadata/labels/pier.dev~1cluster").asText()).isEqualTo("prod");
        assertThat(g.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo("u-1");
        assertThat(g.path("spec")).isEqualTo(parse("{'cluster': 'prod', 'nodeCount': 2, 'labels': {'tier': 'gpu'},"
                + "'autoscale': {'enabled': true, 'minNodeCount': 1, 'maxNodeCount': 5}, 'autoRepair': {'enabled': false}}"));
    }

    @Test
    void aClusterIsShownInTheNksShape() {
        ObjectNode cluster = parse("{'metadata': {'name': 'prod', 'uid': 'u-1', 'creationTimestamp': '2026-01-01T00:00:00Z',"
                + "'managedFields': [{'time': '2026-01-01T00:00:00Z'}, {'time': '2026-01-02T00:00:00Z'}]},"
                + "'spec': {'kubernetesVersion': 'v1.32', 'controlPlane': {'replicas': 1}, 'labels': {'x': 'y'},"
                + "'defaultNodeGroup': {'nodeCount': 2, 'flavor': 'm1.small'}, 'network': {'podCidr': '10.244.0.0/16'}},"
                + "'status': {'phase': 'CREATE_COMPLETE', 'reason': 'ready', 'apiEndpoint': 'https://h:6443/clusters/prod',"
                + "'health': {'status': 'HEALTHY', 'reason': 'all nodes ready'}}}");
        ObjectNode view = Views.cluster(cluster);
        assertThat(view.path("uuid").asText()).isEqualTo("u-1");
        assertThat(view.path("status").asText()).isEqualTo("CREATE_COMPLETE");
        assertThat(view.path("status_reason").asText()).isEqualTo("ready");
        assertThat(view.path("api_address").asText()).isEqualTo("https://h:6443/clusters/prod");
        assertThat(view.path("health_status").asText()).isEqualTo("HEALTHY");
        assertThat(view.path("coe_version").asText()).isEqualTo("v1.32");
        assertThat(view.path("master_count").asInt()).isEqualTo(1);
        assertThat(view.path("node_count").asInt()).isEqualTo(2);
        assertThat(view.path("flavor_id").asText()).isEqualTo("m1.small");
        assertThat(view.path("labels")).isEqualTo(parse("{'x': 'y'}"));
        assertThat(view.path("updated_at").asText()).isEqualTo("2026-01-02T00:00:00Z");
        assertThat(view.get("service_cidr").isNull()).as("not set, not invented").isTrue();
    }

    @Test
    void aClusterWithoutAPhaseIsBeingCreatedAndOneBeingDeletedSaysSo() {
        assertThat(Views.clusterPhase(parse("{'metadata': {'name': 'a'}}"))).isEqualTo("CREATE_IN_PROGRESS");
        assertThat(Views.clusterPhase(parse("{'metadata': {'deletionTimestamp': '2026-01-01T00:00:00Z'}, 'status': {'phase': 'CREATE_COMPLETE'}}")))
                .isEqualTo("DELETE_IN_PROGRESS");
        assertThat(Views.clusterPhase(parse("{'metadata': {'deletionTimestamp': '2026-01-01T00:00:00Z'}, 'status': {'phase': 'DELETE_FAILED'}}")))
                .isEqualTo("DELETE_FAILED");
    }

    @Test
    void theDefaultGroupShowsTheSizingItsClusterAsksFor() {
        ObjectNode cluster = parse("{'metadata': {'name': 'prod', 'uid': 'u-1'}, 'spec': {'defaultNodeGroup': {'nodeCount': 5,"
                + "'taints': [{'key': 'k', 'value': 'v', 'effect': 'NoExecute'}]}}}");
        ObjectNode group = parse("{'metadata': {'name': 'prod.default-worker', 'uid': 'g-1'}, 'spec': {'cluster': 'prod', 'nodeCount': 3},"
                + "'status': {'phase': 'UPDATE_IN_PROGRESS'}}");
        ObjectNode view = Views.nodeGroup(group, cluster);
        assertThat(view.path("name").asText()).isEqualTo("default-worker");
        assertThat(view.path("cluster_id").asText()).isEqualTo("u-1");
        assertThat(view.path("node_count").asInt()).isEqualTo(5);
        assertThat(view.path("node_taints")).isEqualTo(Json.MAPPER.valueToTree(List.of("k=v:NoExecute")));
        assertThat(view.path("role").asText()).isEqualTo("worker");
        assertThat(view.path("status").asText()).isEqualTo("UPDATE_IN_PROGRESS");
    }

    @Test
    void theKindsFieldErrorsAreReportedUnderNksNames() {
        ApiException invalid = ApiException.invalid("pier.dev", "Cluster", "prod", List.of(
                FieldError.invalid(FieldPath.root("spec").child("network").child("podCidr"), "10.96.0.0/16", "overlaps spec.network.serviceCidr"),
                FieldError.invalid(FieldPath.root("spec").child("labels").key("a b"), "x", "not a label key"),
                FieldError.required(FieldPath.root("spec").child("somethingNew"), "")));
        NksException e = ErrorTranslation.translate(invalid, FieldNames.CLUSTER, "cluster \"prod\"");
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.problems()).extracting(Problem::field).containsExactly("pod_cidr", "labels[a b]", "spec.somethingNew");
        assertThat(e.problems().getFirst().detail()).startsWith("pod_cidr: Invalid value: \"10.96.0.0/16\"");
        assertThat(e.problems().getFirst().fix()).contains("does not overlap service_cidr");

        NksException exists = ErrorTranslation.translate(ApiException.alreadyExists("pier.dev", "clusters", "prod"), FieldNames.CLUSTER,
                "cluster \"prod\"");
        assertThat(exists.status()).isEqualTo(409);
        assertThat(exists.problems().getFirst().field()).isEqualTo("name");
        assertThat(ErrorTranslation.translate(ApiException.notFound("pier.dev", "clusters", "x"), FieldNames.CLUSTER, "cluster \"x\"").status())
                .isEqualTo(404);
        assertThat(FieldNames.NODE_GROUP.nksName("spec.taints[1].effect")).isEqualTo("node_taints[1].effect");
        assertThat(FieldNames.NODE_GROUP.nksName("spec.autoscale.minNodeCount")).isEqualTo("min_node_count");
    }

    @Test
    void serverErrorsAreNotTheCallersFault() {
        assertThatThrownBy(() -> ErrorTranslation.translate(ApiException.unavailable("storage down"), FieldNames.CLUSTER, "cluster \"x\""))
                .isInstanceOf(ApiException.class);
    }
}
