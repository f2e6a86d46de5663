package dev.pier.cloud.volume;

import java.util.Map;
import java.util.Objects;

/**
 * The volume to make.
 *
 * @param name unique among the provider's volumes, and what makes {@link VolumeProvider#create}
 *     idempotent; Pier uses {@code <cell>/pvc-<claim uid>}
 * @param sizeBytes at least this many bytes; a provider may round up (the loop provider to whole MiB)
 * @param type the kind of disk (a StorageClass's {@code type} parameter), e.g. {@code standard}
 * @param zone where it lives; the loop provider has one zone, {@code local}
 * @param tags free-form labels kept with the volume (what it is for, whose it is)
 */
public record VolumeSpec(String name, long sizeBytes, String type, String zone, Map<String, String> tags) {
  static final int MAX_NAME = 253;

  public VolumeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(zone, "zone");
    tags = Map.copyOf(tags);
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException("volume name must be 1-" + MAX_NAME + " characters, was \"" + name + "\"");
    }
    if (sizeBytes <= 0) throw new IllegalArgumentException("volume size must be positive, was " + sizeBytes + " bytes");
    if (type.isBlank()) throw new IllegalArgumentException("volume type of " + name + " is blank");
    if (zone.isBlank()) throw new IllegalArgumentException("volume zone of " + name + " is blank");
  }
}
