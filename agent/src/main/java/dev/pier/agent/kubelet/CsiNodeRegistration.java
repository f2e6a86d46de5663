package dev.pier.agent.kubelet;

import dev.pier.agent.volume.CsiNames;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriver;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriverBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's CSINode, as the kubelet registers a CSI driver's node plugin: named after the node and
 * owned by it, listing {@code block.pier.dev} with the node's ID and how many of its volumes the node
 * takes (the scheduler counts against it). Drivers of others in the list are kept. Ensuring is
 * idempotent, so it runs at start and again now and then, which repairs a CSINode that was deleted.
 */
final class CsiNodeRegistration {
  private static final Logger log = LoggerFactory.getLogger(CsiNodeRegistration.class);

  private final KubernetesClient client;
  private final String nodeName;
  private final int maxVolumes;

  CsiNodeRegistration(KubernetesClient client, String nodeName, int maxVolumes) {
    this.client = client;
    this.nodeName = nodeName;
    this.maxVolumes = maxVolumes;
  }

  /** Creates the CSINode or brings its entry of the driver up to date. */
  void ensure(String nodeUid) {
    var csiNodes = client.storage().v1().csiNodes();
    CSINodeDriver driver = driver();
    CSINode current = csiNodes.withName(nodeName).get();
    if (current == null) {
      CSINode node = new CSINodeBuilder()
          .withNewMetadata().withName(nodeName).withOwnerReferences(owner(nodeUid)).endMetadata()
          .withNewSpec().withDrivers(driver).endSpec()
          .build();
      try {
        csiNodes.resource(node).create();
        log.info("registered CSINode {} with driver {} (at most {} volumes)", nodeName, CsiNames.DRIVER, maxVolumes);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) throw e;
        current = csiNodes.withName(nodeName).get();
      }
    }
    List<CSINodeDriver> drivers = new ArrayList<>(current.getSpec().getDrivers() == null ? List.of() : current.getSpec().getDrivers());
    boolean owned = current.getMetadata().getOwnerReferences() != null
        && current.getMetadata().getOwnerReferences().stream().anyMatch(o -> nodeUid.equals(o.getUid()));
    if (drivers.stream().anyMatch(this::isCurrent) && owned) return;
    drivers.removeIf(d -> Objects.equals(d.getName(), CsiNames.DRIVER));
    drivers.add(driver);
    current.getSpec().setDrivers(drivers);
    // a Node registered again has a new uid: the CSINode follows it, or it would be collected with the old one
    current.getMetadata().setOwnerReferences(List.of(owner(nodeUid)));
    csiNodes.resource(current).update();
    log.info("updated CSINode {}: driver {} (at most {} volumes)", nodeName, CsiNames.DRIVER, maxVolumes);
  }

  private CSINodeDriver driver() {
    return new CSINodeDriverBuilder().withName(CsiNames.DRIVER).withNodeID(nodeName)
        .withNewAllocatable().withCount(maxVolumes).endAllocatable()
        .withTopologyKeys(new ArrayList<>()).build();
  }

  /** Compared by field: the server's copy may spell an empty list or unknown fields differently. */
  private boolean isCurrent(CSINodeDriver d) {
    return CsiNames.DRIVER.equals(d.getName()) && nodeName.equals(d.getNodeID())
        && d.getAllocatable() != null && Objects.equals(d.getAllocatable().getCount(), maxVolumes);
  }

  private OwnerReference owner(String nodeUid) {
    return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node").withName(nodeName).withUid(nodeUid).build();
  }
}
