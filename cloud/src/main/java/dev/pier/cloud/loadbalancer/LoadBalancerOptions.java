package dev.pier.cloud.loadbalancer;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a load balancer balances and checks its backends; Services set these through annotations
 * (see the README). The defaults: round robin, no persistence, a TCP connect check every 5 s
 * (timeout 3 s, 3 failures mark a node down), no connection limit, 50 s idle timeout, no PROXY
 * protocol.
 *
 * @param connectionLimit the most connections one port of the load balancer accepts at once; empty for no limit
 * @param idleTimeout how long a connection may stay idle (both sides) before it is closed
 * @param proxyProtocol whether backends receive a PROXY protocol v1 header with the client's address
 */
public record LoadBalancerOptions(Balance balance, Persistence persistence, HealthCheck healthCheck,
    OptionalInt connectionLimit, Duration idleTimeout, boolean proxyProtocol) {
  public static final LoadBalancerOptions DEFAULTS = new LoadBalancerOptions(Balance.ROUND_ROBIN, Persistence.NONE,
      HealthCheck.DEFAULT, OptionalInt.empty(), Duration.ofSeconds(50), false);

  public LoadBalancerOptions {
    Objects.requireNonNull(balance, "balance");
    Objects.requireNonNull(persistence, "persistence");
    Objects.requireNonNull(healthCheck, "healthCheck");
    Objects.requireNonNull(connectionLimit, "connectionLimit");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (connectionLimit.isPresent() && connectionLimit.getAsInt() < 1) {
      throw new IllegalArgumentException("connection limit must be at least 1, was " + connectionLimit.getAsInt());
    }
    if (!idleTimeout.isPositive()) throw new IllegalArgumentException("idle timeout must be positive, was " + idleTimeout);
  }

  /** Which backend a new connection goes to. */
  public enum Balance { ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP }

  /** Whether a client keeps going to the same backend. */
  public enum Persistence { NONE, SOURCE_IP }

  /**
   * How backends are checked: {@code TCP} connects, {@code HTTP} sends {@code GET /} and wants a
   * 2xx or 3xx answer. A backend failing {@code retries} checks in a row is taken out until one
   * passes again.
   */
  public record HealthCheck(Type type, Duration delay, Duration timeout, int retries) {
    public static final HealthCheck DEFAULT = new HealthCheck(Type.TCP, Duration.ofSeconds(5), Duration.ofSeconds(3), 3);

    public HealthCheck {
      Objects.requireNonNull(type, "type");
      if (!delay.isPositive() || !timeout.isPositive()) {
        throw new IllegalArgumentException("health check delay and timeout must be positive, were " + delay + " and " + timeout);
      }
      if (retries < 1) throw new IllegalArgumentException("health check retries must be at least 1, was " + retries);
    }

    public enum Type { TCP, HTTP }
  }
}
