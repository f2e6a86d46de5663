package dev.pier.cloud.cluster;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each Cluster: its tenant cell, its default node group as its spec says, its DNS once it has nodes, and a
 * status with NKS's phases, the endpoint and CA kubectl needs, and the nodes' health. Deleting a cluster
 * (finalizer {@value ClusterObjects#CLUSTER_FINALIZER}) deletes its node groups (machines drained), then its
 * LoadBalancer Services and claims so that frontends and Delete-policy volumes go, then the cell and its data.
 */
final class ClusterController implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(ClusterController.class);
  private static final Duration CLEANUP_RECHECK = Duration.ofSeconds(2);

  private final LocalClient client;
  private final Informer clusters;
  private final Informer groups;
  private final Informer nodes;
  private final Informer services;
  private final Informer claims;
  private final Informer volumes;
  private final EventRecorder events;
  private final ClusterHost host;
  private final NodeMachines machines;

  private ClusterController(LocalClient client, Informer clusters, Informer groups, Informer nodes, Informer services,
      Informer claims, Informer volumes, EventRecorder events, ClusterHost host, NodeMachines machines) {
    this.client = client;
    this.clusters = clusters;
    this.groups = groups;
    this.nodes = nodes;
    this.services = services;
    this.claims = claims;
    this.volumes = volumes;
    this.events = events;
    this.host = host;
    this.machines = machines;
  }

  record Informers(Informer clusters, Informer groups, Informer nodes, Informer services, Informer claims, Informer volumes) {}

  static ClusterController create(LocalClient client, Informers i, EventRecorder events, WorkQueue<ObjectKey> queue, ClusterHost host,
      NodeMachines machines) {
    i.clusters().addHandler(EventHandler.onChange((cell, c) -> queue.add(ObjectKey.of(cell, c))));
    i.groups().addHandler(EventHandler.onChange((cell, g) -> queue.add(clusterKey(g.path("spec").path("cluster").asText()))));
    // a tenant cell's nodes, load balancers and volumes tell its cluster's health and clean-up
    for (Informer tenant : List.of(i.nodes(), i.services(), i.volumes())) {
      tenant.addHandler(EventHandler.onChange((cell, o) -> {
        if (!cell.equals(Cells.MANAGEMENT)) queue.add(clusterKey(cell));
      }));
    }
    return new ClusterController(client, i.clusters(), i.groups(), i.nodes(), i.services(), i.claims(), i.volumes(), events, host,
        machines);
  }

  private static ObjectKey clusterKey(String cluster) {
    return new ObjectKey(Cells.MANAGEMENT, "", cluster);
  }

  @Override
  public Result sync(ObjectKey key) {
    Optional<ObjectNode> found = clusters.get(key);
    if (found.isEmpty()) return Result.done();
    ObjectNode cluster = found.get();
    if (ClusterObjects.deleting(cluster)) return delete(key.name(), cluster);
    if (!Finalizers.has(cluster, ClusterObjects.CLUSTER_FINALIZER)) {
      cluster = resource().update(Finalizers.withAdded(cluster, ClusterObjects.CLUSTER_FINALIZER));
    }
    String name = key.name();
    boolean newCell = !host.cellExists(name);
    host.createCell(name);
    if (newCell) events.normal(Cells.MANAGEMENT, cluster, "cluster-controller", "CellCreated", "the control plane of " + name + " answers at " + host.endpoint(name));
    ensureDefaultGroup(cluster);

    List<ObjectNode> mine = groupsOf(name);
    int wanted = 0;
    for (ObjectNode g : mine) wanted += g.path("spec").path("nodeCount").asInt(0);
    if (wanted > 0 && machines.unavailable().isEmpty()) host.serveDns(name);
    int total = nodes.listCell(name).size();
    int ready = (int) nodes.listCell(name).stream().filter(ClusterObjects::isReady).count();
    boolean groupsSettled = mine.stream().allMatch(g -> {
      JsonNode s = g.path("status");
      return s.path("nodes").path("ready").asInt(-1) == g.path("spec").path("nodeCount").asInt(0)
          && s.path("nodes").path("total").asInt(-1) == g.path("spec").path("nodeCount").asInt(0);
    });
    boolean settled = groupsSettled && ready == wanted && !mine.isEmpty();
    setStatus(cluster, settled, wanted, ready, total);
    return Result.done();
  }

  /** The default worker group follows {@code spec.defaultNodeGroup}; other groups are the user's. */
  private void ensureDefaultGroup(ObjectNode cluster) {
    String name = ClusterObjects.name(cluster);
    String groupName = name + "." + ClusterObjects.DEFAULT_GROUP;
    JsonNode wanted = cluster.path("spec").path("defaultNodeGroup");
    ObjectNode spec = Json.object();
    spec.put("cluster", name);
    spec.put("nodeCount", wanted.path("nodeCount").asInt(0));
    spec.put("flavor", wanted.path("flavor").asText("m1.small"));
    if (wanted.has("labels")) spec.set("labels", wanted.get("labels").deepCopy());
    if (wanted.has("taints")) spec.set("taints", wanted.get("taints").deepCopy());
    Optional<ObjectNode> existing = groups.get(new ObjectKey(Cells.MANAGEMENT, "", groupName));
    ResourceClient groupClient = client.resource(Cells.MANAGEMENT, groups.type());
    if (existing.isEmpty()) {
      ObjectNode group = Json.object();
      group.put("apiVersion", "pier.dev/v1").put("kind", "NodeGroup");
      ObjectNode meta = group.putObject("metadata");
      meta.put("name", groupName);
      meta.putObject("labels").put(ClusterObjects.CLUSTER_LABEL, name);
      meta.putArray("ownerReferences").add(Owners.controllerRef(cluster));
      group.set("spec", spec);
      Writes.ignoreGone(() -> groupClient.create("", group));
      return;
    }
    ObjectNode next = existing.get().deepCopy();
    ObjectNode nextSpec = (ObjectNode) next.path("spec");
    for (String f : List.of("nodeCount", "flavor", "labels", "taints")) {
      if (spec.has(f)) nextSpec.set(f, spec.get(f));
      else nextSpec.remove(f);
    }
    if (!next.equals(existing.get())) Writes.ignoreGone(() -> groupClient.update(next));
  }

  private List<ObjectNode> groupsOf(String cluster) {
    return groups.listCell(Cells.MANAGEMENT).stream().filter(g -> g.path("spec").path("cluster").asText().equals(cluster)).toList();
  }

  private void setStatus(ObjectNode cluster, boolean settled, int wanted, int ready, int total) {
    String name = ClusterObjects.name(cluster);
    ObjectNode status = cluster.path("status").isObject() ? ((ObjectNode) cluster.path("status")).deepCopy() : Json.object();
    String phase = Phases.next(cluster.path("status").path("phase").asText(""), settled);
    status.put("phase", phase);
    Optional<String> noMachines = wanted > 0 ? machines.unavailable() : Optional.empty();
    status.put("reason", settled ? "" : noMachines.orElse(ready + " of " + wanted + " nodes Ready"));
    status.put("apiStatus", "HEALTHY");
    boolean healthy = ready == total && ready == wanted;
    status.put("nodeStatus", healthy ? "HEALTHY" : "UNHEALTHY");
    ObjectNode health = status.putObject("health");
    health.put("status", healthy ? "HEALTHY" : "UNHEALTHY");
    health.put("reason", healthy ? "" : ready + " of " + wanted + " nodes Ready");
    status.put("apiEndpoint", host.endpoint(name));
    status.put("caCertificate", host.caCertificatePem());
    status.putObject("nodes").put("ready", ready).put("total", total);
    if (status.equals(cluster.path("status"))) return;
    ObjectNode next = cluster.deepCopy();
    next.set("status", status);
    Writes.ignoreGone(() -> resource().updateStatus(next));
    if (!phase.equals(cluster.path("status").path("phase").asText(""))) {
      log.info("cluster {} is {}", name, phase);
      events.normal(Cells.MANAGEMENT, cluster, "cluster-controller", phase, "cluster " + name + ": " + phase);
    }
  }

  /** Node groups, then the cell's load balancers and claims, then the cell; each step waits for the one before. */
  private Result delete(String name, ObjectNode cluster) {
    if (!Finalizers.has(cluster, ClusterObjects.CLUSTER_FINALIZER)) return Result.done();
    if (!cluster.path("status").path("phase").asText().equals(Phases.DELETE_IN_PROGRESS)) {
      ObjectNode next = cluster.deepCopy();
      next.withObject("/status").put("phase", Phases.DELETE_IN_PROGRESS).put("reason", "deleting node groups, load balancers and volumes");
      Writes.ignoreGone(() -> resource().updateStatus(next));
    }
    List<ObjectNode> mine = groupsOf(name);
    for (ObjectNode g : mine) {
      if (!ClusterObjects.deleting(g)) {
        Writes.ignoreGone(() -> client.resource(Cells.MANAGEMENT, groups.type()).delete("", ClusterObjects.name(g), DeleteOptions.defaults()));
      }
    }
    if (host.cellExists(name)) {
      boolean waiting = !mine.isEmpty();
      for (ObjectNode svc : services.listCell(name)) {
        if (!svc.path("spec").path("type").asText().equals("LoadBalancer") && !Finalizers.has(svc, "service.kubernetes.io/load-balancer-cleanup")) continue;
        waiting = true;
        if (!ClusterObjects.deleting(svc)) deleteIn(name, services, svc);
      }
      for (ObjectNode claim : claims.listCell(name)) {
        waiting = true;
        if (!ClusterObjects.deleting(claim)) deleteIn(name, claims, claim);
      }
      List<String> retained = new java.util.ArrayList<>();
      for (ObjectNode pv : volumes.listCell(name)) {
        boolean retain = !pv.path("spec").path("persistentVolumeReclaimPolicy").asText().equals("Delete");
        if (retain) retained.add(pv.path("spec").path("csi").path("volumeHandle").asText(ClusterObjects.name(pv)));
        else waiting = true;
      }
      if (waiting) return Result.requeueAfter(CLEANUP_RECHECK);
      if (!retained.isEmpty()) {
        events.normal(Cells.MANAGEMENT, cluster, "cluster-controller", "RetainedVolumes",
            "volumes kept for their Retain policy, not deleted with the cluster: " + String.join(", ", retained));
      }
      host.stopDns(name);
      host.deleteCell(name);
    } else if (!mine.isEmpty()) {
      return Result.requeueAfter(CLEANUP_RECHECK);
    }
    Writes.ignoreGone(() -> resource().update(Finalizers.withRemoved(cluster, ClusterObjects.CLUSTER_FINALIZER)));
    log.info("cluster {} deleted", name);
    return Result.done();
  }

  private void deleteIn(String cell, Informer informer, ObjectNode object) {
    Writes.ignoreGone(() -> client.resource(cell, informer.type()).delete(object.path("metadata").path("namespace").asText(""),
        ClusterObjects.name(object), DeleteOptions.defaults()));
  }

  private ResourceClient resource() {
    return client.resource(Cells.MANAGEMENT, clusters.type());
  }
}
