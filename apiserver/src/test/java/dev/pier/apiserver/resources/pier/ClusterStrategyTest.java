package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceStrategy;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.render;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static dev.pier.apiserver.resources.Harness.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class ClusterStrategyTest {
    private static final ResourceStrategy CLUSTERS = ClusterStrategy.INSTANCE;

    @Test
    void defaultsAsDecision019() {
        ObjectNode c = created(CLUSTERS, "metadata: {name: demo}\nstatus: {phase: CREATE_COMPLETE}");
        assertThat(c.get("spec")).isEqualTo(yaml("""
                kubernetesVersion: v1.32
                network: {podCidr: 10.244.0.0/16, serviceCidr: 10.96.0.0/12, podSubnetSize: 24, clusterDomain: cluster.local}
                controlPlane: {replicas: 1}
                defaultNodeGroup: {nodeCount: 0, flavor: m1.small}
                """));
        assertThat(c.has("status")).as("status is the controller's, through the status subresource").isFalse();
        assertThat(CLUSTERS.validate(c)).isEmpty();
        assertThat(CLUSTERS.hasStatusSubresource()).isTrue();
    }

    @Test
    void namesAsNks() {
        assertThat(CLUSTERS.nameRule().check("demo-1")).isNull();
        assertThat(CLUSTERS.nameRule().check("a")).isNull();
        assertThat(CLUSTERS.nameRule().check("1demo")).contains("start with a letter");
        assertThat(CLUSTERS.nameRule().check("Demo")).contains("lower case letters");
        assertThat(CLUSTERS.nameRule().check("demo-")).contains("end with a letter or digit");
        assertThat(CLUSTERS.nameRule().check("demo.x")).isNotNull();
        assertThat(CLUSTERS.nameRule().check("a23456789012345678901")).isEqualTo("must be no more than 20 characters");
    }

    @Test
    void rangesMustBeNetworksApartFromEachOtherAndFromTheNodesOwn() {
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 10.244.0.1/16, serviceCidr: 10.96.0.0}}")).containsExactly(
                "spec.network.podCidr: Invalid value: \"10.244.0.1/16\": must be a network address: the host bits must be zero (10.244.0.0/16)",
                "spec.network.serviceCidr: Invalid value: \"10.96.0.0\": must be an IPv4 network in CIDR notation, e.g. 10.244.0.0/16");
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 10.0.0.0/8}}")).containsExactly(
                "spec.network.serviceCidr: Invalid value: \"10.96.0.0/12\": must not overlap spec.network.podCidr (10.0.0.0/8)");
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 169.254.0.0/16, serviceCidr: 96.0.0.0/3}}")).containsExactly(
                "spec.network.podCidr: Invalid value: \"169.254.0.0/16\": must not overlap 169.254.0.0/16, which nodes use themselves",
                "spec.network.serviceCidr: Invalid value: \"96.0.0.0/3\": must not overlap 127.0.0.0/8, which nodes use themselves");
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 300.0.0.0/8, serviceCidr: 10.96.0.0/33}}")).hasSize(2);
    }

    @Test
    void podSubnetsMustFitTheirRangeAtLeastSixteenTimes() {
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 10.244.0.0/16, podSubnetSize: 16}}")).containsExactly(
                "spec.network.podSubnetSize: Invalid value: 16: must be between 17 and 28: longer than the pod CIDR's prefix (/16) and at most /28");
        assertThat(createErrors(CLUSTERS, "spec: {network: {podSubnetSize: 29}}")).singleElement().asString()
                .startsWith("spec.network.podSubnetSize: Invalid value: 29: must be between 17 and 28");
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 10.244.0.0/22, podSubnetSize: 24}}")).containsExactly(
                "spec.network.podSubnetSize: Invalid value: 24: leaves room for only 4 nodes in 10.244.0.0/22: the pod CIDR must hold "
                        + "at least 16 node subnets; use a podSubnetSize of at least 26 or a larger pod CIDR");
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 10.244.0.0/22, podSubnetSize: 26}}")).isEmpty();
        assertThat(createErrors(CLUSTERS, "spec: {network: {podCidr: 10.244.0.0/25, podSubnetSize: 28}}")).containsExactly(
                "spec.network.podCidr: Invalid value: \"10.244.0.0/25\": is too small: the pod CIDR must hold at least 16 node "
                        + "subnets of at most /28, so it must be a /24 or larger");
    }

    @Test
    void versionDomainAndDefaultGroup() {
        assertThat(createErrors(CLUSTERS, """
                spec:
                  kubernetesVersion: v1.31
                  network: {clusterDomain: Cluster_Local}
                  controlPlane: {replicas: 0}
                  defaultNodeGroup:
                    nodeCount: 11
                    flavor: m9.huge
                    labels: {"bad key!": x}
                    taints: [{key: dedicated, value: gpu, effect: NoSchedule}, {value: x, effect: Sometimes}, {key: dedicated, effect: NoSchedule}]
                """)).containsExactly(
                "spec.kubernetesVersion: Unsupported value: \"v1.31\": supported values: \"v1.32\"",
                "spec.network.clusterDomain: Invalid value: \"Cluster_Local\": a lowercase RFC 1123 subdomain must consist of lower case "
                        + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                        + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "spec.controlPlane.replicas: Invalid value: 0: must be at least 1",
                "spec.defaultNodeGroup.nodeCount: Invalid value: 11: must be between 0 and 10 (the most nodes a group may have)",
                "spec.defaultNodeGroup.flavor: Unsupported value: \"m9.huge\": supported values: \"m1.small\", \"m1.medium\", \"m1.large\"",
                "spec.defaultNodeGroup.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' "
                        + "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                        + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "spec.defaultNodeGroup.taints[1].key: Required value",
                "spec.defaultNodeGroup.taints[1].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", "
                        + "\"PreferNoSchedule\", \"NoExecute\"",
                "spec.defaultNodeGroup.taints[2]: Duplicate value: \"taint key dedicated with effect NoSchedule\"");
    }

    @Test
    void valuesOfTheWrongTypeAreNamed() {
        assertThat(createErrors(CLUSTERS, "spec: {defaultNodeGroup: {nodeCount: three}, network: {podSubnetSize: 2.5}}")).containsExactly(
                "spec.defaultNodeGroup.nodeCount: Invalid value: \"three\": must be of type integer",
                "spec.network.podSubnetSize: Invalid value: 2.5: must be of type integer");
    }

    @Test
    void networkAndVersionAreFixedOnceCreated() {
        ObjectNode c = created(CLUSTERS, "metadata: {name: demo}");
        ObjectNode resized = c.deepCopy();
        resized.withObject("/spec/defaultNodeGroup").put("nodeCount", 3);
        resized.withObject("/spec/labels").put("kube_tag", "v1.32.4");
        assertThat(updateErrors(CLUSTERS, c, resized)).isEmpty();
        ObjectNode moved = c.deepCopy();
        moved.withObject("/spec/network").put("podSubnetSize", 25);
        assertThat(updateErrors(CLUSTERS, c, moved)).singleElement().asString()
                .startsWith("spec.network: Invalid value: ").endsWith(": field is immutable");
        ObjectNode upgraded = c.deepCopy();
        upgraded.withObject("/spec").put("kubernetesVersion", "v1.33");
        assertThat(updateErrors(CLUSTERS, c, upgraded)).contains(
                "spec.kubernetesVersion: Invalid value: \"v1.33\": field is immutable: upgrades are not supported yet");
    }

    @Test
    void tableShowsPhaseVersionNodesAndEndpoint() {
        ObjectNode c = created(CLUSTERS, "metadata: {name: demo}");
        assertThat(row(CLUSTERS.table(), c).keySet()).containsExactly("Name", "Phase", "Version", "Nodes", "Endpoint", "Age");
        assertThat(row(CLUSTERS.table(), c)).containsEntry("Name", "demo").containsEntry("Phase", "").containsEntry("Version", "v1.32")
                .containsEntry("Nodes", "0/0").containsEntry("Endpoint", "<none>");
        c.set("status", yaml("{phase: CREATE_COMPLETE, apiEndpoint: 'https://10.0.0.1:6443/clusters/demo', nodes: {ready: 2, total: 3}}"));
        assertThat(row(CLUSTERS.table(), c)).containsEntry("Phase", "CREATE_COMPLETE").containsEntry("Nodes", "2/3")
                .containsEntry("Endpoint", "https://10.0.0.1:6443/clusters/demo");
        assertThat(CLUSTERS.validate(c)).as("a status the controller writes").isEmpty();
        c.withObject("/status").put("phase", "SOMEWHERE");
        assertThat(render(CLUSTERS.validate(c))).singleElement().asString()
                .startsWith("status.phase: Unsupported value: \"SOMEWHERE\"");
    }
}
