package dev.pier.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clusters, node groups and machines as objects (decision 019), through the real kubectl on the management
 * kubeconfig: apply, table columns, explain, validation errors, and a tenant's kubectl not seeing them. No
 * controller runs in this test, so statuses stay empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterObjectsTest {
    private static final String CLUSTER = """
            apiVersion: pier.dev/v1
            kind: Cluster
            metadata:
              name: %s
            spec:
              network:
                podCidr: %s
              defaultNodeGroup:
                nodeCount: %d
                flavor: m1.medium
                taints:
                - {key: dedicated, value: web, effect: NoSchedule}
            """;

    private Path work;
    private PierProcess pier;
    private Kubectl management;
    private Kubectl tenant;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pier-e2e-ClusterObjectsTest-");
        pier = PierProcess.up(work.resolve("data"), "team-a").start();
        management = new Kubectl(pier.kubeconfig(), work.resolve("kubectl-management"));
        tenant = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-tenant"));
    }

    @AfterAll
    void stop() {
        if (pier != null) pier.close();
        TempDirs.delete(work);
    }

    @Test
    void appliedClustersListWithTheirColumns() {
        management.apply(CLUSTER.formatted("web", "10.244.0.0/16", 2));
        String table = management.ok("get", "clusters");
        assertThat(table.lines().findFirst().orElseThrow()).matches("NAME\\s+PHASE\\s+VERSION\\s+NODES\\s+ENDPOINT\\s+AGE\\s*");
        assertThat(management.ok("get", "cl", "web", "-o", "jsonpath={.spec.network.serviceCidr} {.spec.defaultNodeGroup.nodeCount}"))
                .isEqualTo("10.96.0.0/12 2");

        // a second apply changes what it may: the default group's size
        management.apply(CLUSTER.formatted("web", "10.244.0.0/16", 3));
        assertThat(management.ok("get", "clusters", "web", "-o", "jsonpath={.spec.defaultNodeGroup.nodeCount} {.metadata.generation}"))
                .isEqualTo("3 2");

        // the cluster controller answers in the status: its control plane is there, its nodes cannot be (no machines here)
        Await.until(Duration.ofSeconds(30), "web's status", () -> management.ok("get", "clusters", "web").lines()
                .anyMatch(l -> l.matches("web\\s+CREATE_IN_PROGRESS\\s+v1\\.32\\s+0/0\\s+https://\\S+/clusters/web\\s+\\d+s\\s*")));
        assertThat(management.ok("get", "cluster", "web", "-o", "jsonpath={.status.reason}")).contains("no machine provider");
        assertThat(management.ok("get", "ng", "web.default-worker", "-o", "jsonpath={.spec.nodeCount} {.spec.flavor}")).isEqualTo("3 m1.medium");
    }

    @Test
    void nodeGroupsAndMachinesListWithTheirColumns() {
        // a group of a cluster that does not exist makes no machines and says why
        management.apply("""
                apiVersion: pier.dev/v1
                kind: NodeGroup
                metadata: {name: shop.gpu}
                spec: {cluster: shop, nodeCount: 2, flavor: m1.large}
                """);
        Await.until(Duration.ofSeconds(30), "shop.gpu's reason", () ->
                management.ok("get", "ng", "shop.gpu", "-o", "jsonpath={.status.reason}").contains("cluster shop does not exist"));
        assertThat(management.ok("get", "machines", "-l", "pier.dev/nodegroup=shop.gpu")).doesNotContain("shop-gpu");

        management.apply(CLUSTER.formatted("shop", "10.244.0.0/16", 0));
        // server-side apply, as controllers may write their objects
        management.runWithInput("""
                apiVersion: pier.dev/v1
                kind: NodeGroup
                metadata: {name: shop.cpu}
                spec: {cluster: shop, nodeCount: 1}
                """, "apply", "--server-side", "-f", "-").assertOk();
        assertThat(management.ok("get", "ng", "shop.cpu", "-o", "jsonpath={.spec.flavor} {.metadata.labels.pier\\.dev/cluster}"))
                .isEqualTo("m1.small shop");
        String groups = management.ok("get", "ng");
        assertThat(groups.lines().findFirst().orElseThrow()).matches("NAME\\s+CLUSTER\\s+PHASE\\s+NODES\\s+FLAVOR\\s+AGE\\s*");
        Await.until(Duration.ofSeconds(30), "the gpu group's two machines", () ->
                management.ok("get", "machines", "-l", "pier.dev/nodegroup=shop.gpu").lines().filter(l -> l.startsWith("shop-gpu-")).count() == 2);
        String machines = management.ok("get", "machines", "-l", "pier.dev/nodegroup=shop.gpu");
        assertThat(machines.lines().findFirst().orElseThrow()).matches("NAME\\s+CLUSTER\\s+NODEGROUP\\s+PHASE\\s+ADDRESS\\s+AGE\\s*");
        Await.until(Duration.ofSeconds(30), "machines waiting for a provider", () ->
                management.ok("get", "machines", "-l", "pier.dev/nodegroup=shop.gpu").lines()
                        .anyMatch(l -> l.matches("shop-gpu-1\\s+shop\\s+shop\\.gpu\\s+Provisioning\\s+<none>\\s+\\d+s\\s*")));
        assertThat(management.ok("get", "ng", "shop.gpu").lines())
                .anyMatch(l -> l.matches("shop\\.gpu\\s+shop\\s+\\S+\\s+0/2\\s+m1\\.large\\s+\\d+s\\s*"));
    }

    @Test
    void explainDescribesTheSpec() {
        String network = management.ok("explain", "clusters.spec.network");
        assertThat(network).contains("GROUP:      pier.dev", "KIND:       Cluster", "VERSION:    v1", "podCidr", "serviceCidr",
                "podSubnetSize", "clusterDomain");
        assertThat(management.ok("explain", "nodegroups.spec.autoscale")).contains("minNodeCount", "scaleDownUtilizationThreshold");
    }

    @Test
    void invalidClustersAreRefusedNamingTheField() {
        String badName = management.runWithInput(CLUSTER.formatted("9lives", "10.244.0.0/16", 0), "apply", "-f", "-")
                .assertFails().stderr();
        assertThat(badName).contains("is invalid", "metadata.name", "start with a letter");

        String overlapping = management.runWithInput(CLUSTER.formatted("overlap", "10.96.0.0/16", 0), "apply", "-f", "-")
                .assertFails().stderr();
        assertThat(overlapping).contains("The Cluster \"overlap\" is invalid",
                "spec.network.serviceCidr: Invalid value: \"10.96.0.0/12\": must not overlap spec.network.podCidr (10.96.0.0/16)");
        assertThat(management.run("get", "clusters", "overlap").stderr()).contains("NotFound");
    }

    @Test
    void unknownFieldsFailStrictValidation() {
        String typo = CLUSTER.formatted("typo", "10.244.0.0/16", 0).replace("podCidr", "podCIDR");
        String strict = management.runWithInput(typo, "apply", "--validate=strict", "-f", "-").assertFails().stderr();
        assertThat(strict).contains("unknown field \"spec.network.podCIDR\"");
        Kubectl.Result warned = management.runWithInput(typo, "apply", "--validate=warn", "-f", "-").assertOk();
        assertThat(warned.stderr()).contains("unknown field \"spec.network.podCIDR\"");
        assertThat(management.ok("get", "cluster", "typo", "-o", "jsonpath={.spec.network.podCidr}")).isEqualTo("10.244.0.0/16");
    }

    @Test
    void networkIsFixedOnceCreated() {
        management.apply(CLUSTER.formatted("fixed", "10.244.0.0/16", 0));
        String err = management.fails("patch", "cluster", "fixed", "--type=merge", "-p", "{\"spec\":{\"network\":{\"podCidr\":\"10.32.0.0/16\"}}}");
        assertThat(err).contains("spec.network: Invalid value", "field is immutable");
    }

    @Test
    void onlyTheManagementCellServesThem() {
        assertThat(management.ok("api-resources", "--api-group=pier.dev").lines())
                .anyMatch(l -> l.matches("clusters\\s+cl\\s+pier\\.dev/v1\\s+false\\s+Cluster\\s*"))
                .anyMatch(l -> l.matches("nodegroups\\s+ng\\s+pier\\.dev/v1\\s+false\\s+NodeGroup\\s*"))
                .anyMatch(l -> l.matches("machines\\s+ma\\s+pier\\.dev/v1\\s+false\\s+Machine\\s*"));
        String tenantResources = tenant.ok("api-resources");
        assertThat(tenantResources).contains("deployments").doesNotContain("pier.dev", "clusters", "nodegroups", "machines");
        assertThat(tenant.fails("get", "clusters")).contains("the server doesn't have a resource type \"clusters\"");
    }
}
