package dev.pier.agent.kubelet;

import java.util.List;

/**
 * Volumes of a pod that are not ready yet but should be soon (a claim not bound, a volume not
 * attached): the pod waits in ContainerCreating and its sync retries; an Event is recorded only
 * when the wait lasts (see {@link MountWaits}), as the kubelet does.
 *
 * @see VolumeException for volumes that failed
 */
final class VolumeNotReadyException extends VolumeException {
  private final List<String> unmounted;
  private final List<String> unattached;

  VolumeNotReadyException(String message, List<String> unmounted, List<String> unattached) {
    super(message);
    this.unmounted = List.copyOf(unmounted);
    this.unattached = List.copyOf(unattached);
  }

  /** One volume waiting; {@code attached} says whether it got as far as its attachment. */
  static VolumeNotReadyException waiting(String volume, String reason, boolean attached) {
    return new VolumeNotReadyException("volume \"" + volume + "\": " + reason, List.of(volume), attached ? List.of() : List.of(volume));
  }

  /** Several waiting volumes of one pod, as one. */
  static VolumeNotReadyException all(List<VolumeNotReadyException> waiting) {
    return new VolumeNotReadyException(
        String.join("; ", waiting.stream().map(Throwable::getMessage).toList()),
        waiting.stream().flatMap(w -> w.unmounted.stream()).sorted().toList(),
        waiting.stream().flatMap(w -> w.unattached.stream()).sorted().toList());
  }

  List<String> unmounted() {
    return unmounted;
  }

  List<String> unattached() {
    return unattached;
  }
}
