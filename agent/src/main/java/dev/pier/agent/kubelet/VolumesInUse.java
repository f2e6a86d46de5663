package dev.pier.agent.kubelet;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The volumes the node says it uses ({@code status.volumesInUse}, unique names such as
 * {@code kubernetes.io/csi/block.pier.dev^<handle>}): a volume is added before it is mounted and
 * removed after it is unmounted, and the attach/detach controller does not detach a volume listed
 * here. {@link NodeRegistration} is the one writer of the node's status; this is what it reads.
 */
final class VolumesInUse {
  /** Writes the node status now so that the API server lists what {@link #names()} says; throws if it cannot. */
  interface Reporter {
    void reportVolumesInUse();
  }

  private final Set<String> names = new ConcurrentSkipListSet<>();

  void add(String uniqueName) {
    names.add(uniqueName);
  }

  void remove(String uniqueName) {
    names.remove(uniqueName);
  }

  /** Sorted, as the kubelet reports them. */
  List<String> names() {
    return List.copyOf(names);
  }
}
