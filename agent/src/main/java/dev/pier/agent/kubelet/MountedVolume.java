package dev.pier.agent.kubelet;

import java.nio.file.Path;

/**
 * A pod volume ready on the node: where it is, and whether the volume itself is read-only (a claim
 * source or PV marked {@code readOnly}), which makes every container's mount of it read-only.
 */
record MountedVolume(Path path, boolean readOnly) {
  static MountedVolume writable(Path path) {
    return new MountedVolume(path, false);
  }
}
