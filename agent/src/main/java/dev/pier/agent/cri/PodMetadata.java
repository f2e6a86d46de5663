package dev.pier.agent.cri;

import java.util.Objects;

/**
 * Identifies the pod a sandbox belongs to. {@code attempt} counts sandboxes made for the same pod,
 * so a recreated sandbox does not collide with the old one's name in the runtime.
 */
public record PodMetadata(String name, String uid, String namespace, int attempt) {
  public PodMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(namespace, "namespace");
    if (attempt < 0) throw new IllegalArgumentException("attempt was negative: " + attempt);
  }
}
