package dev.pier.agent.cri;

/**
 * A CRI call failed. The code says what the caller can do about it: {@code NOT_FOUND} means the
 * object is gone (the kubelet treats a vanished container as exited), {@code UNAVAILABLE} that
 * the runtime is not answering (retry later), {@code DEADLINE_EXCEEDED} that it answered too late.
 */
public final class CriException extends RuntimeException {
  public enum Code { NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, UNAVAILABLE, DEADLINE_EXCEEDED, UNKNOWN }

  private final Code code;

  public CriException(Code code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
