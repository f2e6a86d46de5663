package dev.pier.cloud.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineStatus;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Finalizers;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.runtime.Writes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes each Machine real: a machine from the provider whose agent joins the cluster as the node of the same
 * name; its phase follows the node (Joining until it is Ready, then Running). Deleting a Machine cordons and
 * drains its node (evictions, so disruption budgets hold, for at most {@link #DRAIN_TIMEOUT}), deletes the
 * Node and then the machine.
 */
final class MachineController implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(MachineController.class);
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RECHECK = Duration.ofSeconds(10);

  private final LocalClient client;
  private final Informer machines;
  private final Informer nodes;
  private final Informer pods;
  private final EventRecorder events;
  private final NodeMachines provider;
  private final Clock clock;

  private MachineController(LocalClient client, Informer machines, Informer nodes, Informer pods, EventRecorder events,
      NodeMachines provider, Clock clock) {
    this.client = client;
    this.machines = machines;
    this.nodes = nodes;
    this.pods = pods;
    this.events = events;
    this.provider = provider;
    this.clock = clock;
  }

  static MachineController create(LocalClient client, Informer machines, Informer nodes, Informer pods, EventRecorder events,
      WorkQueue<ObjectKey> queue, NodeMachines provider, Clock clock) {
    machines.addHandler(EventHandler.onChange((cell, m) -> queue.add(ObjectKey.of(cell, m))));
    // a tenant's node is its machine's: the machine of the same name in the management cell
    nodes.addHandler(EventHandler.onChange((cell, node) -> {
      if (!cell.equals(Cells.MANAGEMENT)) queue.add(new ObjectKey(Cells.MANAGEMENT, "", ClusterObjects.name(node)));
    }));
    return new MachineController(client, machines, nodes, pods, events, provider, clock);
  }

  @Override
  public Result sync(ObjectKey key) throws Exception {
    Optional<ObjectNode> found = machines.get(key);
    if (found.isEmpty()) return Result.done();
    ObjectNode machine = found.get();
    String cluster = machine.path("spec").path("cluster").asText();
    if (ClusterObjects.deleting(machine)) return remove(key, machine, cluster);
    if (!Finalizers.has(machine, ClusterObjects.MACHINE_FINALIZER)) {
      machine = resource().update(Finalizers.withAdded(machine, ClusterObjects.MACHINE_FINALIZER));
    }
    Optional<String> unavailable = provider.unavailable();
    if (unavailable.isPresent()) {
      setStatus(machine, "Provisioning", unavailable.get(), null);
      return Result.done();
    }
    Optional<MachineStatus> status = provider.status(key.name());
    Machine made = null;
    if (status.isEmpty() || status.get().state() == MachineStatus.State.STOPPED) {
      log.info("creating machine {} for cluster {}", key.name(), cluster);
      try {
        made = provider.create(cluster, key.name(), nodeLabels(machine));
      } catch (RuntimeException e) {
        setStatus(machine, "Failed", "the machine could not be made: " + e.getMessage(), null);
        events.warning(Cells.MANAGEMENT, machine, "machine-controller", "FailedCreate", e.getMessage());
        throw e;
      }
      events.normal(Cells.MANAGEMENT, machine, "machine-controller", "Created", "machine " + key.name() + " up at " + made.address());
    }
    Optional<ObjectNode> node = nodes.get(new ObjectKey(cluster, "", key.name()));
    boolean ready = node.isPresent() && ClusterObjects.isReady(node.get());
    String address = made != null ? made.address() : node.map(MachineController::internalIp).orElse(null);
    setStatus(machine, ready ? "Running" : "Joining", ready ? "" : "its agent is joining the cluster", address);
    return ready ? Result.done() : Result.requeueAfter(RECHECK);
  }

  /** The labels the node registers with: its group and flavor, then the group's own. */
  private static Map<String, String> nodeLabels(JsonNode machine) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ClusterObjects.NODE_GROUP_LABEL, machine.path("spec").path("nodeGroup").asText());
    labels.put("node.kubernetes.io/instance-type", machine.path("spec").path("flavor").asText());
    return labels;
  }

  private static String internalIp(JsonNode node) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals("InternalIP")) return a.path("address").asText();
    }
    return null;
  }

  /** Cordon, drain (bounded), delete the Node, delete the machine, let the object go. */
  private Result remove(ObjectKey key, ObjectNode machine, String cluster) {
    if (!Finalizers.has(machine, ClusterObjects.MACHINE_FINALIZER)) return Result.done();
    setStatus(machine, "Deleting", "draining its node", machine.path("status").path("addresses").path(0).path("address").asText(null));
    Optional<ObjectNode> node = nodes.get(new ObjectKey(cluster, "", key.name()));
    if (node.isPresent() && tenantExists(cluster)) {
      cordon(cluster, key.name());
      Instant since = Instant.parse(machine.path("metadata").path("deletionTimestamp").asText());
      boolean drained = drain(cluster, key.name());
      if (!drained && clock.instant().isBefore(since.plus(DRAIN_TIMEOUT))) return Result.requeueAfter(Duration.ofSeconds(2));
      if (!drained) log.warn("node {} of cluster {} not drained in {}; deleting it anyway", key.name(), cluster, DRAIN_TIMEOUT);
      Writes.ignoreGone(() -> tenantNodes(cluster).delete("", key.name(), DeleteOptions.defaults()));
    }
    provider.delete(key.name());
    Writes.ignoreGone(() -> resource().update(Finalizers.withRemoved(machine, ClusterObjects.MACHINE_FINALIZER)));
    log.info("machine {} of cluster {} deleted", key.name(), cluster);
    return Result.done();
  }

  private boolean tenantExists(String cluster) {
    try {
      client.cell(cluster);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  private void cordon(String cluster, String node) {
    ObjectNode patch = Json.object();
    patch.putObject("spec").put("unschedulable", true);
    Writes.ignoreGone(() -> tenantNodes(cluster).patch("", node, PatchType.MERGE, patch, false));
  }

  /** Evicts the node's pods (DaemonSets' and finished ones stay, as kubectl drain leaves them); true once none is left. */
  private boolean drain(String cluster, String node) {
    boolean done = true;
    for (ObjectNode pod : pods.listCell(cluster)) {
      if (!pod.path("spec").path("nodeName").asText().equals(node) || Owners.isBeingDeleted(pod)) continue;
      String phase = pod.path("status").path("phase").asText();
      if (phase.equals("Succeeded") || phase.equals("Failed")) continue;
      if (Owners.controllerOf(pod).map(o -> o.path("kind").asText().equals("DaemonSet")).orElse(false)) continue;
      done = false;
      ObjectNode eviction = Json.object();
      eviction.put("apiVersion", "policy/v1").put("kind", "Eviction");
      eviction.putObject("metadata").put("name", ClusterObjects.name(pod)).put("namespace", pod.path("metadata").path("namespace").asText());
      try {
        client.resource(cluster, client.builtin("", "v1", "pods")).evict(pod.path("metadata").path("namespace").asText(),
            ClusterObjects.name(pod), eviction);
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 429) throw e; // 429: a disruption budget says not now
      }
    }
    return done;
  }

  private void setStatus(ObjectNode machine, String phase, String reason, String address) {
    ObjectNode status = Json.object();
    status.put("phase", phase);
    status.put("reason", reason);
    status.put("nodeName", ClusterObjects.name(machine));
    if (address != null) status.putArray("addresses").addObject().put("type", "InternalIP").put("address", address);
    else if (machine.path("status").has("addresses")) status.set("addresses", machine.path("status").path("addresses"));
    if (status.equals(machine.path("status"))) return;
    ObjectNode next = machine.deepCopy();
    next.set("status", status);
    Writes.ignoreGone(() -> resource().updateStatus(next));
  }

  private ResourceClient resource() {
    return client.resource(Cells.MANAGEMENT, machines.type());
  }

  private ResourceClient tenantNodes(String cluster) {
    return client.resource(cluster, client.builtin("", "v1", "nodes"));
  }
}
