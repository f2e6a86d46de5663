package dev.pier.agent.kubelet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a pod's volume problems become Events. A pod waiting for its volumes (a claim being bound, a
 * volume being attached) is normal for a while: the kubelet says nothing until its wait times out
 * after {@link #TIMEOUT}, then "Unable to attach or mount volumes: ... timed out waiting for the
 * condition", and again after each further timeout. A failure is told at once, and again only when
 * it changes or {@link #REPEAT} has passed, so a retry every few seconds does not flood the pod's
 * Events.
 */
final class MountWaits {
  /** The kubelet's wait for a pod's volumes to attach and mount. */
  static final Duration TIMEOUT = Duration.ofSeconds(123);
  static final Duration REPEAT = Duration.ofMinutes(1);

  private record Wait(Instant since, Instant lastEvent, String lastMessage) {}

  private final Clock clock;
  private final Map<String, Wait> waits = new ConcurrentHashMap<>();

  MountWaits(Clock clock) {
    this.clock = clock;
  }

  /** The Event message to record for a pod still waiting, if its wait has timed out (again). */
  Optional<String> stillWaiting(String podUid, VolumeNotReadyException e) {
    Instant now = clock.instant();
    Wait w = waits.computeIfAbsent(podUid, k -> new Wait(now, now, ""));
    if (Duration.between(w.lastEvent(), now).compareTo(TIMEOUT) < 0) return Optional.empty();
    String message = "Unable to attach or mount volumes: unmounted volumes=" + list(e.unmounted())
        + ", unattached volumes=" + list(e.unattached()) + ": timed out waiting for the condition";
    waits.put(podUid, new Wait(w.since(), now, message));
    return Optional.of(message);
  }

  /** Whether a failure of the pod's volumes is to be recorded as an Event now. */
  boolean failureDue(String podUid, String message) {
    Instant now = clock.instant();
    Wait w = waits.get(podUid);
    if (w != null && message.equals(w.lastMessage()) && Duration.between(w.lastEvent(), now).compareTo(REPEAT) < 0) return false;
    waits.put(podUid, new Wait(w == null ? now : w.since(), now, message));
    return true;
  }

  /** The pod's volumes are ready (or the pod is gone): a later wait starts afresh. */
  void done(String podUid) {
    waits.remove(podUid);
  }

  /** Kubernetes prints these lists as Go prints a slice: {@code [a b]}. */
  private static String list(java.util.List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }
}
