package dev.pier.cloud.cluster;

import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;

/**
 * Adds the managed service's controllers to a controller manager: clusters, their node groups and machines
 * (decision 019). Call before {@link ControllerManager#start}.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static void register(ControllerManager manager, ClusterHost host, NodeMachines machines) {
    var client = manager.client(ClusterObjects.FIELD_MANAGER);
    var clusters = manager.informer(ClusterObjects.GROUP, "v1", "clusters");
    var groups = manager.informer(ClusterObjects.GROUP, "v1", "nodegroups");
    var machineObjects = manager.informer(ClusterObjects.GROUP, "v1", "machines");
    var nodes = manager.informer("", "v1", "nodes");
    WorkQueue<ObjectKey> clusterQueue = manager.queue("cluster");
    manager.add("cluster", clusterQueue, ClusterController.create(client, new ClusterController.Informers(clusters, groups, nodes,
        manager.informer("", "v1", "services"), manager.informer("", "v1", "persistentvolumeclaims"),
        manager.informer("", "v1", "persistentvolumes")), manager.events(), clusterQueue, host, machines), 2);
    WorkQueue<ObjectKey> groupQueue = manager.queue("nodegroup");
    manager.add("nodegroup", groupQueue, NodeGroupController.create(client, clusters, groups, machineObjects, nodes, manager.events(), groupQueue,
        manager.clock()), 2);
    WorkQueue<ObjectKey> machineQueue = manager.queue("machine");
    // machines take seconds to make: several at once, so a node group of many comes up in parallel
    manager.add("machine", machineQueue, MachineController.create(client, machineObjects, nodes, manager.informer("", "v1", "pods"),
        manager.events(), machineQueue, machines, manager.clock()), 8);
  }
}
