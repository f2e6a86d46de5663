package dev.pier.cloud.volume;

import java.util.Objects;
import java.util.Optional;

/**
 * A volume as the provider has it now.
 *
 * @param id the provider's id: what a PersistentVolume's {@code spec.csi.volumeHandle} holds
 * @param name the {@link VolumeSpec#name()} it was made with
 * @param sizeBytes its size now (after any rounding and expansion)
 * @param attachment the machine it is attached to and the device there, when {@link State#IN_USE}
 */
public record Volume(String id, String name, long sizeBytes, String type, String zone, State state, Optional<Attachment> attachment) {
  /** Whether a machine has the volume. */
  public enum State {
    /** Attached to no machine: it may be attached, expanded or deleted. */
    AVAILABLE,
    /** Attached to one machine ({@link Volume#attachment()}). */
    IN_USE
  }

  /**
   * Where a volume is attached.
   *
   * @param machine the machine's (and its node's) name
   * @param devicePath the block device the machine sees it as, e.g. {@code /dev/loop3}
   */
  public record Attachment(String machine, String devicePath) {
    public Attachment {
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(devicePath, "devicePath");
    }
  }

  public Volume {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(attachment, "attachment");
    if ((state == State.IN_USE) != attachment.isPresent()) {
      throw new IllegalArgumentException("volume " + id + " is " + state + " with attachment " + attachment);
    }
  }
}
