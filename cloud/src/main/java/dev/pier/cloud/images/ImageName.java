package dev.pier.cloud.images;

import java.util.Objects;

/**
 * An image reference normalised as Docker does: {@code busybox} is
 * {@code docker.io/library/busybox:latest}, {@code myorg/app:v1} is
 * {@code docker.io/myorg/app:v1}, and a first component with a dot, a colon or {@code localhost}
 * names a registry ({@code registry.k8s.io/pause:3.9}).
 *
 * <p>In Pier's registry an image is stored under its {@link #repository()} alone (containerd asks a
 * mirror for {@code /v2/<repository>/...} whatever registry the name had), so
 * {@code registry.k8s.io/pause} and {@code docker.io/pause} would collide only if both were pushed.
 */
public record ImageName(String registry, String repository, String tag) {
  public static final String DOCKER_HUB = "docker.io";

  public ImageName {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    if (!repository.matches("[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*")) {
      throw new IllegalArgumentException("invalid repository name '" + repository + "'");
    }
    if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("invalid tag '" + tag + "'");
    }
  }

  public static ImageName parse(String reference) {
    String rest = reference;
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    if (rest.contains("@")) {
      throw new IllegalArgumentException("digest references cannot be pushed by name: " + reference);
    }
    String tag = "latest";
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    return new ImageName(registry, rest, tag);
  }

  @Override
  public String toString() {
    return registry + "/" + repository + ":" + tag;
  }
}
