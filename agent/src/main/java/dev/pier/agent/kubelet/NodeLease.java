package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat: a Lease named after the node in {@code kube-node-lease}, renewed every
 * {@link #RENEW_INTERVAL_SECONDS} seconds and owned by the Node, so it goes when the Node goes.
 * The node lifecycle controller reads it to tell a live node from a lost one.
 */
final class NodeLease {
  static final int RENEW_INTERVAL_SECONDS = 10;
  static final int DURATION_SECONDS = 40;
  private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private boolean failing;

  NodeLease(KubernetesClient client, String nodeName, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  /** Renews (or creates) the lease; failures are logged once and retried on the next tick. */
  void renew(String nodeUid) {
    ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    try {
      var leases = client.leases().inNamespace("kube-node-lease");
      Lease current = leases.withName(nodeName).get();
      if (current == null) {
        leases.resource(new LeaseBuilder()
            .withNewMetadata().withName(nodeName).withNamespace("kube-node-lease")
            .withOwnerReferences(List.of(new OwnerReference("v1", null, null, "Node", nodeName, nodeUid)))
            .endMetadata()
            .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(DURATION_SECONDS)
            .withRenewTime(now).endSpec()
            .build()).create();
      } else {
        current.getSpec().setRenewTime(now);
        current.getSpec().setHolderIdentity(nodeName);
        current.getSpec().setLeaseDurationSeconds(DURATION_SECONDS);
        leases.resource(current).update();
      }
      if (failing) log.info("node lease of {} renewed again", nodeName);
      failing = false;
    } catch (KubernetesClientException e) {
      if (!failing) log.warn("cannot renew the node lease of {}: {}", nodeName, e.getMessage());
      failing = true;
    }
  }
}
