package dev.pier.cloud.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.DeleteOptions;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node group's Machines at its {@code nodeCount}: the nodes named in {@code nodesToRemove} go first, then
 * the newest; new machines take the lowest free index. With auto-repair, a machine whose node stays NotReady past the
 * group's threshold is replaced ({@link AutoRepair}). Its nodes carry its labels and taints. Deleting the group
 * deletes its machines (each drains its node) before the group goes.
 */
final class NodeGroupController implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(NodeGroupController.class);

  private final LocalClient client;
  private final Informer clusters;
  private final Informer groups;
  private final Informer machines;
  private final Informer nodes;
  private final EventRecorder events;
  private final Clock clock;

  private NodeGroupController(LocalClient client, Informer clusters, Informer groups, Informer machines, Informer nodes,
      EventRecorder events, Clock clock) {
    this.clock = clock;
    this.client = client;
    this.clusters = clusters;
    this.groups = groups;
    this.machines = machines;
    this.nodes = nodes;
    this.events = events;
  }

  static NodeGroupController create(LocalClient client, Informer clusters, Informer groups, Informer machines, Informer nodes,
      EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
    // a cluster made (or gone) after its groups: they may act now
    clusters.addHandler(EventHandler.onChange((cell, c) -> {
      for (ObjectNode g : groups.listCell(Cells.MANAGEMENT)) {
        if (g.path("spec").path("cluster").asText().equals(ClusterObjects.name(c))) queue.add(ObjectKey.of(cell, g));
      }
    }));
    groups.addHandler(EventHandler.onChange((cell, g) -> queue.add(ObjectKey.of(cell, g))));
    // a machine's spec.nodeGroup, and its node's label, are the group's object name <cluster>.<group>
    machines.addHandler(EventHandler.onChange((cell, m) -> queue.add(new ObjectKey(Cells.MANAGEMENT, "", m.path("spec").path("nodeGroup").asText()))));
    nodes.addHandler(EventHandler.onChange((cell, node) -> {
      String group = node.path("metadata").path("labels").path(ClusterObjects.NODE_GROUP_LABEL).asText();
      if (!cell.equals(Cells.MANAGEMENT) && !group.isEmpty()) queue.add(new ObjectKey(Cells.MANAGEMENT, "", group));
    }));
    return new NodeGroupController(client, clusters, groups, machines, nodes, events, clock);
  }

  @Override
  public Result sync(ObjectKey key) {
    Optional<ObjectNode> found = groups.get(key);
    if (found.isEmpty()) return Result.done();
    ObjectNode group = found.get();
    String cluster = group.path("spec").path("cluster").asText();
    String groupName = ClusterObjects.groupName(group);
    List<ObjectNode> mine = new ArrayList<>(machines.listCell(Cells.MANAGEMENT).stream()
        .filter(m -> m.path("spec").path("nodeGroup").asText().equals(key.name()))
        .toList());
    if (ClusterObjects.deleting(group)) {
      for (ObjectNode m : mine) if (!ClusterObjects.deleting(m)) deleteMachine(m);
      if (mine.isEmpty() && Finalizers.has(group, ClusterObjects.NODE_GROUP_FINALIZER)) {
        Writes.ignoreGone(() -> groupClient().update(Finalizers.withRemoved(group, ClusterObjects.NODE_GROUP_FINALIZER)));
        log.info("node group {} deleted", key.name());
      }
      return Result.done();
    }
    ObjectNode current = group;
    if (!Finalizers.has(group, ClusterObjects.NODE_GROUP_FINALIZER)) {
      current = groupClient().update(Finalizers.withAdded(group, ClusterObjects.NODE_GROUP_FINALIZER));
    }
    if (clusters.get(new ObjectKey(Cells.MANAGEMENT, "", cluster)).isEmpty()) {
      // machines of a cluster that does not exist would join nothing
      setStatus(current, Phases.next(current.path("status").path("phase").asText(""), false), "cluster " + cluster + " does not exist", 0,
          mine.size());
      return Result.done();
    }
    int wanted = current.path("spec").path("nodeCount").asInt(0);
    List<ObjectNode> live = new ArrayList<>(mine.stream().filter(m -> !ClusterObjects.deleting(m)).toList());

    // named nodes first (a resize's nodes_to_remove), then the newest; a name stays listed until its machine goes
    // (the count may be lowered after the names are written), and names that are not this group's are dropped
    Set<String> liveNames = new HashSet<>();
    live.forEach(m -> liveNames.add(ClusterObjects.name(m)));
    List<String> stillToRemove = new ArrayList<>();
    for (JsonNode n : current.path("spec").path("nodesToRemove")) {
      String name = n.asText();
      if (!liveNames.contains(name)) continue;
      ObjectNode m = live.stream().filter(x -> ClusterObjects.name(x).equals(name)).findFirst().orElseThrow();
      if (live.size() > wanted) {
        deleteMachine(m);
        live.remove(m);
      } else {
        stillToRemove.add(name);
      }
    }
    if (current.path("spec").path("nodesToRemove").size() != stillToRemove.size()) {
      ObjectNode consumed = current.deepCopy();
      if (stillToRemove.isEmpty()) ((ObjectNode) consumed.path("spec")).remove("nodesToRemove");
      else stillToRemove.forEach(((ObjectNode) consumed.path("spec")).putArray("nodesToRemove")::add);
      current = groupClient().update(consumed);
    }
    // auto-repair: a machine whose node stayed NotReady past the group's threshold is replaced (a new one comes below)
    AutoRepair repair = AutoRepair.of(current.path("spec"));
    Duration nextRepairCheck = null;
    for (ObjectNode m : List.copyOf(live)) {
      Optional<ObjectNode> node = nodes.get(new ObjectKey(cluster, "", ClusterObjects.name(m)));
      Optional<Duration> due = node.flatMap(n -> repair.replaceIn(n, clock.instant()));
      if (due.isEmpty()) continue;
      if (due.get().isNegative() || due.get().isZero()) {
        String why = "node " + ClusterObjects.name(m) + " was NotReady for more than " + repair.threshold().toSeconds() + " s: replacing it";
        events.warning(Cells.MANAGEMENT, current, "nodegroup-controller", "AUTO_HEALING", why);
        clusters.get(new ObjectKey(Cells.MANAGEMENT, "", cluster))
            .ifPresent(c -> events.warning(Cells.MANAGEMENT, c, "nodegroup-controller", "AUTO_HEALING", why));
        log.info("node group {}: {}", key.name(), why);
        deleteMachine(m);
        live.remove(m);
      } else if (nextRepairCheck == null || due.get().compareTo(nextRepairCheck) < 0) {
        nextRepairCheck = due.get();
      }
    }
    live.sort(Comparator.comparingInt(m -> MachineNames.index(ClusterObjects.name(m))));
    while (live.size() > wanted) deleteMachine(live.removeLast());
    Set<String> taken = new HashSet<>();
    mine.forEach(m -> taken.add(ClusterObjects.name(m)));
    String prefix = MachineNames.prefix(cluster, groupName);
    for (int i = live.size(); i < wanted; i++) {
      String name = MachineNames.next(prefix, taken);
      taken.add(name);
      createMachine(current, cluster, name);
    }

    int ready = 0;
    for (ObjectNode m : live) {
      Optional<ObjectNode> node = nodes.get(new ObjectKey(cluster, "", ClusterObjects.name(m)));
      if (node.isEmpty()) continue;
      if (ClusterObjects.isReady(node.get())) ready++;
      NodeDecoration.apply(client, cluster, node.get(), current.path("spec"));
    }
    boolean settled = ready == wanted && mine.size() == wanted;
    setStatus(current, Phases.next(current.path("status").path("phase").asText(""), settled), settled ? "" : ready + " of " + wanted + " nodes Ready",
        ready, mine.size());
    return nextRepairCheck == null ? Result.done() : Result.requeueAfter(nextRepairCheck.plusSeconds(1));
  }

  private void createMachine(ObjectNode group, String cluster, String name) {
    String groupName = ClusterObjects.name(group);
    ObjectNode m = Json.object();
    m.put("apiVersion", "pier.dev/v1").put("kind", "Machine");
    ObjectNode meta = m.putObject("metadata");
    meta.put("name", name);
    meta.putObject("labels").put(ClusterObjects.CLUSTER_LABEL, cluster).put(ClusterObjects.NODE_GROUP_LABEL, groupName);
    meta.putArray("ownerReferences").add(Owners.controllerRef(group));
    ObjectNode spec = m.putObject("spec");
    spec.put("cluster", cluster).put("nodeGroup", groupName).put("flavor", group.path("spec").path("flavor").asText("m1.small"));
    spec.put("providerId", "local:///" + name);
    client.resource(Cells.MANAGEMENT, machines.type()).create("", m);
    events.normal(Cells.MANAGEMENT, group, "nodegroup-controller", "ScalingUp", "machine " + name + " created");
  }

  private void deleteMachine(ObjectNode machine) {
    Writes.ignoreGone(() -> client.resource(Cells.MANAGEMENT, machines.type()).delete("", ClusterObjects.name(machine), DeleteOptions.defaults()));
    log.info("machine {} of node group {} deleted", ClusterObjects.name(machine), machine.path("spec").path("nodeGroup").asText());
  }

  private void setStatus(ObjectNode group, String phase, String reason, int ready, int total) {
    ObjectNode status = group.path("status").isObject() ? ((ObjectNode) group.path("status")).deepCopy() : Json.object();
    status.put("phase", phase);
    status.put("reason", reason);
    status.putObject("nodes").put("ready", ready).put("total", total);
    if (status.equals(group.path("status"))) return;
    ObjectNode next = group.deepCopy();
    next.set("status", status);
    Writes.ignoreGone(() -> groupClient().updateStatus(next));
  }

  private ResourceClient groupClient() {
    return client.resource(Cells.MANAGEMENT, groups.type());
  }

  /** What a node group puts on its nodes: its labels and taints (added, never removed from what others set). */
  static final class NodeDecoration {
    private NodeDecoration() {}

    static void apply(LocalClient client, String cluster, ObjectNode node, JsonNode groupSpec) {
      ObjectNode next = node.deepCopy();
      ObjectNode labels = next.withObject("/metadata/labels");
      groupSpec.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      ArrayNode taints = next.withObject("/spec").withArray("taints");
      for (JsonNode t : groupSpec.path("taints")) {
        boolean present = false;
        for (JsonNode have : taints) {
          if (have.path("key").asText().equals(t.path("key").asText()) && have.path("effect").asText().equals(t.path("effect").asText())) present = true;
        }
        if (!present) taints.add(t.deepCopy());
      }
      if (taints.isEmpty()) ((ObjectNode) next.path("spec")).remove("taints");
      if (next.equals(node)) return;
      Writes.ignoreGone(() -> client.resource(cluster, client.builtin("", "v1", "nodes")).update(next));
    }
  }
}
