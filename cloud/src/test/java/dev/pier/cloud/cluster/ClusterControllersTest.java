package dev.pier.cloud.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.machine.Cidr;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineStatus;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.ControllerOptions;
import dev.pier.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster, node group and machine controllers as a server runs them, on a real in-process API. The
 * machines are recorded, not made (this test is about the controllers' decisions; real machines are the e2e
 * tests'), and the test registers each machine's Node as its agent would.
 */
class ClusterControllersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper YAML = new YAMLMapper();

  @TempDir
  Path dir;
  private SqliteStore kv;
  private Cells cells;
  private ControllerManager manager;
  private LocalClient client;
  private final RecordedMachines machines = new RecordedMachines();

  /** Machines that exist as records only; their Nodes are made by the test. */
  private static final class RecordedMachines implements NodeMachines {
    final Set<String> running = ConcurrentHashMap.newKeySet();
    final Set<String> deleted = ConcurrentHashMap.newKeySet();

    @Override
    public Optional<String> unavailable() {
      return Optional.empty();
    }

    @Override
    public Machine create(String cluster, String name, Map<String, String> nodeLabels) {
      running.add(name);
      return new Machine(name, "10.250.0." + (running.size() + 1), Cidr.parse("10.150.1.0/24"), Cidr.parse("10.150.0.0/16"),
          "10.250.0.1", Path.of("/run/none.sock"), Path.of("/run/netns/none"), "/pods", Path.of("/tmp"));
    }

    @Override
    public void delete(String name) {
      running.remove(name);
      deleted.add(name);
    }

    @Override
    public Optional<MachineStatus> status(String name) {
      return running.contains(name) ? Optional.of(new MachineStatus(name, MachineStatus.State.RUNNING, Map.of())) : Optional.empty();
    }
  }

  /** The host's view for the controllers: the real cells, no DNS. */
  private final class TestHost implements ClusterHost {
    @Override
    public void createCell(String cluster) {
      cells.createTenant(cluster);
    }

    @Override
    public boolean cellExists(String cluster) {
      return cells.tenant(cluster).isPresent();
    }

    @Override
    public void deleteCell(String cluster) {
      cells.deleteTenant(cluster);
    }

    @Override
    public String endpoint(String cluster) {
      return "https://127.0.0.1:6443/clusters/" + cluster;
    }

    @Override
    public String caCertificatePem() {
      return cells.management().certificateAuthority().certificatePem();
    }

    @Override
    public void serveDns(String cluster) {}

    @Override
    public void stopDns(String cluster) {}
  }

  @BeforeEach
  void start() {
    kv = SqliteStore.open(dir.resolve("state.db"));
    cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
    manager = ControllerManager.create(cells, kv, Clock.systemUTC(), ControllerOptions.defaults());
    ClusterSetup.register(manager, new TestHost(), machines);
    manager.start();
    client = manager.client("test");
  }

  @AfterEach
  void stop() {
    if (manager != null) manager.close();
    if (cells != null) cells.close();
    if (kv != null) kv.close();
  }

  private ResourceClient pier(String resource) {
    return client.resource(Cells.MANAGEMENT, client.builtin("pier.dev", "v1", resource));
  }

  private ResourceClient nodes(String cluster) {
    return client.resource(cluster, client.builtin("", "v1", "nodes"));
  }

  private static ObjectNode yaml(String text) throws Exception {
    return (ObjectNode) YAML.readTree(text);
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(WAIT, () -> what, condition);
  }

  /** What an agent does when its machine runs: registers a Ready Node with its group's label. */
  private void joinAsNodes(String cluster) throws Exception {
    for (String name : List.copyOf(machines.running)) {
      if (!name.startsWith(cluster + "-") || nodes(cluster).find("", name).isPresent()) continue;
      nodes(cluster).create("", yaml("""
          apiVersion: v1
          kind: Node
          metadata: {name: %s, labels: {pier.dev/nodegroup: %s.default-worker}}
          status: {conditions: [{type: Ready, status: "True"}]}
          """.formatted(name, cluster)));
    }
  }

  private String phase(String cluster) {
    return pier("clusters").get("", cluster).path("status").path("phase").asText();
  }

  private Set<String> machineNames(String cluster) {
    Set<String> names = new TreeSet<>();
    for (JsonNode m : pier("machines").list("")) if (m.path("spec").path("cluster").asText().equals(cluster)) names.add(m.path("metadata").path("name").asText());
    return names;
  }

  @Test
  void aClusterGetsItsCellItsDefaultGroupAndMachinesThenScalesAndGoesLeavingNothing() throws Exception {
    pier("clusters").create("", yaml("""
        apiVersion: pier.dev/v1
        kind: Cluster
        metadata: {name: alpha}
        spec: {defaultNodeGroup: {nodeCount: 2, labels: {tier: web}}}
        """));
    await("machines alpha-node-1 and -2 made", () -> machines.running.containsAll(List.of("alpha-node-1", "alpha-node-2")));
    assertThat(cells.tenant("alpha")).as("the cluster's control plane").isPresent();
    JsonNode group = pier("nodegroups").get("", "alpha.default-worker");
    assertThat(group.path("spec").path("nodeCount").asInt()).isEqualTo(2);
    assertThat(group.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("Cluster");
    assertThat(phase("alpha")).isEqualTo("CREATE_IN_PROGRESS");

    joinAsNodes("alpha");
    await("alpha complete", () -> phase("alpha").equals("CREATE_COMPLETE"));
    JsonNode status = pier("clusters").get("", "alpha").path("status");
    assertThat(status.at("/nodes/ready").asInt()).isEqualTo(2);
    assertThat(status.path("apiEndpoint").asText()).isEqualTo("https://127.0.0.1:6443/clusters/alpha");
    assertThat(status.path("caCertificate").asText()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(status.at("/health/status").asText()).isEqualTo("HEALTHY");
    await("the group's labels on its nodes", () -> nodes("alpha").get("", "alpha-node-1").at("/metadata/labels/tier").asText().equals("web"));
    assertThat(pier("machines").get("", "alpha-node-1").at("/status/phase").asText()).isEqualTo("Running");

    // scale the default group down by the cluster's spec: the newest machine goes, its node with it
    ObjectNode cluster = pier("clusters").get("", "alpha");
    cluster.withObject("/spec/defaultNodeGroup").put("nodeCount", 1);
    pier("clusters").update(cluster);
    await("alpha-node-2 deleted", () -> machines.deleted.contains("alpha-node-2") && machineNames("alpha").equals(Set.of("alpha-node-1")));
    await("its node gone", () -> nodes("alpha").find("", "alpha-node-2").isEmpty());
    await("alpha complete again", () -> phase("alpha").equals("UPDATE_COMPLETE"));

    // another group, resized with a named node to remove
    pier("nodegroups").create("", yaml("""
        apiVersion: pier.dev/v1
        kind: NodeGroup
        metadata: {name: alpha.batch, labels: {pier.dev/cluster: alpha}}
        spec: {cluster: alpha, nodeCount: 3}
        """));
    await("three batch machines", () -> machineNames("alpha").containsAll(List.of("alpha-batch-1", "alpha-batch-2", "alpha-batch-3")));
    ObjectNode batch = pier("nodegroups").get("", "alpha.batch");
    ((ObjectNode) batch.path("spec")).put("nodeCount", 2).putArray("nodesToRemove").add("alpha-batch-1");
    pier("nodegroups").update(batch);
    await("alpha-batch-1 removed, not the newest", () -> machineNames("alpha").equals(Set.of("alpha-node-1", "alpha-batch-2", "alpha-batch-3")));
    assertThat(pier("nodegroups").get("", "alpha.batch").path("spec").has("nodesToRemove")).as("consumed").isFalse();

    // deleting the cluster takes its groups, machines and cell
    nodes("alpha").create("", yaml("apiVersion: v1\nkind: Node\nmetadata: {name: stray}\n"));
    pier("clusters").delete("", "alpha", DeleteOptions.defaults());
    await("alpha gone", () -> pier("clusters").find("", "alpha").isEmpty());
    assertThat(machineNames("alpha")).isEmpty();
    assertThat(pier("nodegroups").list("")).isEmpty();
    assertThat(machines.running).isEmpty();
    assertThat(cells.tenant("alpha")).as("its cell and data").isEmpty();
  }

  @Test
  void aNodeNotReadyPastItsGroupsThresholdIsReplaced() throws Exception {
    pier("clusters").create("", yaml("""
        apiVersion: pier.dev/v1
        kind: Cluster
        metadata: {name: beta}
        spec: {defaultNodeGroup: {nodeCount: 1}}
        """));
    await("machine beta-node-1 made", () -> machines.running.contains("beta-node-1"));
    ObjectNode group = pier("nodegroups").get("", "beta.default-worker");
    ((ObjectNode) group.path("spec")).putObject("autoRepair").put("enabled", true).put("notReadySeconds", 30);
    pier("nodegroups").update(group);
    // its agent reported NotReady ten minutes ago and nothing since
    nodes("beta").create("", yaml("""
        apiVersion: v1
        kind: Node
        metadata: {name: beta-node-1, labels: {pier.dev/nodegroup: beta.default-worker}}
        status: {conditions: [{type: Ready, status: "False", lastTransitionTime: "%s"}]}
        """.formatted(java.time.Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS))));
    await("beta-node-1 replaced by beta-node-2", () -> machines.deleted.contains("beta-node-1")
        && machineNames("beta").equals(Set.of("beta-node-2")) && machines.running.contains("beta-node-2"));
    await("an AUTO_HEALING event naming the node", () -> client.resource(Cells.MANAGEMENT, client.builtin("", "v1", "events")).list("default")
        .stream().anyMatch(e -> e.path("reason").asText().equals("AUTO_HEALING") && e.path("message").asText().contains("beta-node-1")));
  }

  @Test
  void aClusterWithoutNodesIsCompleteAtOnce() throws Exception {
    pier("clusters").create("", yaml("""
        apiVersion: pier.dev/v1
        kind: Cluster
        metadata: {name: empty}
        spec: {}
        """));
    await("empty complete", () -> phase("empty").equals("CREATE_COMPLETE"));
    assertThat(pier("clusters").get("", "empty").at("/status/nodes/total").asInt()).isZero();
  }
}
