package dev.pier.cloud.loadbalancer;

/** A load balancer the provider cannot make as asked; the message says why in words a user understands. */
public final class LoadBalancerException extends RuntimeException {
  /** What went wrong. */
  public enum Code {
    /** A port's protocol is not one of {@link LoadBalancerProvider#protocols()}. */
    UNSUPPORTED_PROTOCOL,
    /** The requested address is outside the pool or held by another load balancer. */
    IP_UNAVAILABLE,
    /** No free address is left in the pool. */
    POOL_EXHAUSTED,
    /** The load balancer itself failed (HAProxy refused its configuration, did not reload). */
    FAILED
  }

  private final Code code;

  public LoadBalancerException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public LoadBalancerException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
