package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events about pods ("Pulling", "Started", "BackOff", ...) as {@code kubectl describe} shows them,
 * sent from a background thread: a slow API server never holds up a pod's sync, and when the queue
 * is full events are dropped (they are informational) rather than piling up.
 */
final class AgentEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentEvents.class);
  private static final int CAPACITY = 1000;

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final BlockingQueue<io.fabric8.kubernetes.api.model.Event> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread sender;

  AgentEvents(KubernetesClient client, String nodeName, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
    this.sender = Thread.ofVirtual().name("agent-events").start(this::send);
  }

  void normal(Pod pod, String fieldPath, String reason, String message) {
    record(pod, fieldPath, "Normal", reason, message);
  }

  void warning(Pod pod, String fieldPath, String reason, String message) {
    record(pod, fieldPath, "Warning", reason, message);
  }

  private void record(Pod pod, String fieldPath, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    var meta = pod.getMetadata();
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
        .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
            .withNamespace(meta.getNamespace()).withName(meta.getName()).withUid(meta.getUid())
            .withFieldPath(fieldPath).build())
        .withType(type).withReason(reason).withMessage(message)
        .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
        .withReportingComponent("kubelet").withReportingInstance(nodeName)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build();
    if (!queue.offer(event)) log.debug("event queue full: dropped {} {}", reason, meta.getName());
  }

  private void send() {
    while (true) {
      io.fabric8.kubernetes.api.model.Event event;
      try {
        event = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      } catch (KubernetesClientException e) {
        log.debug("cannot record event {}: {}", event.getReason(), e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    sender.interrupt();
  }
}
