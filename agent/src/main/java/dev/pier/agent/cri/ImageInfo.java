package dev.pier.agent.cri;

import java.util.List;
import java.util.OptionalLong;

/**
 * An image the runtime holds. {@code id} is the config digest ("sha256:..."), which the kubelet
 * reports as a container's imageID; {@code uid} or {@code username} is the image's USER, which
 * {@code runAsNonRoot} checks.
 */
public record ImageInfo(
    String id,
    List<String> repoTags,
    List<String> repoDigests,
    long sizeBytes,
    OptionalLong uid,
    String username,
    boolean pinned) {

  public ImageInfo {
    repoTags = List.copyOf(repoTags);
    repoDigests = List.copyOf(repoDigests);
  }
}
