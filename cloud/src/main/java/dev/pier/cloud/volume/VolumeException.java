package dev.pier.cloud.volume;

/** A volume operation the provider refuses or could not do; the message says why in words a user understands. */
public final class VolumeException extends RuntimeException {
  /** What went wrong. */
  public enum Code {
    /** No volume has that id. */
    NOT_FOUND,
    /** The volume is attached, so it cannot be deleted: detach it first. */
    IN_USE,
    /** The volume is attached to another machine than the one asking. */
    ATTACHED_ELSEWHERE,
    /** The new size is smaller than the volume: volumes only grow. */
    SHRINK,
    /** A volume of that name exists with another type or zone, or smaller than asked. */
    NAME_CONFLICT,
    /** The provider itself failed (a host command, the disk). */
    FAILED
  }

  private final Code code;

  public VolumeException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public VolumeException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
