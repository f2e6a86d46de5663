package dev.pier.cloud.service;

import dev.pier.cloud.loadbalancer.LoadBalancerOptions;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.Balance;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.HealthCheck;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.Persistence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The annotations a Service sets to tune its load balancer, under Pier's prefix
 * {@code loadbalancer.pier.dev/}. They mirror what NHN Kubernetes Service users set (balancing
 * method, session persistence, health monitor, connection limit, keep-alive timeout, PROXY
 * protocol); the README lists them with their allowed values.
 *
 * <p>{@link #parse} reads every annotation under the prefix and reports each bad one (unknown
 * name, or a value outside the allowed ones) as a {@link Problem} naming the annotation and what
 * it allows. Options are only complete when there is no problem: the caller then keeps the last
 * good configuration rather than apply half of a change.
 */
final class LoadBalancerAnnotations {
  static final String PREFIX = "loadbalancer.pier.dev/";
  static final String LB_METHOD = PREFIX + "lb-method";
  static final String SESSION_PERSISTENCE = PREFIX + "session-persistence";
  static final String HEALTH_TYPE = PREFIX + "healthmonitor-type";
  static final String HEALTH_DELAY = PREFIX + "healthmonitor-delay";
  static final String HEALTH_TIMEOUT = PREFIX + "healthmonitor-timeout";
  static final String HEALTH_RETRIES = PREFIX + "healthmonitor-max-retries";
  static final String CONNECTION_LIMIT = PREFIX + "connection-limit";
  static final String KEEPALIVE_TIMEOUT = PREFIX + "keepalive-timeout";
  static final String PROXY_PROTOCOL = PREFIX + "proxy-protocol";
  static final List<String> KNOWN = List.of(LB_METHOD, SESSION_PERSISTENCE, HEALTH_TYPE, HEALTH_DELAY, HEALTH_TIMEOUT, HEALTH_RETRIES,
      CONNECTION_LIMIT, KEEPALIVE_TIMEOUT, PROXY_PROTOCOL);
  private static final int MAX_SECONDS = 3600;
  private static final int MAX_CONNECTIONS = 1_000_000;

  /** One bad annotation: its name, the value found and the values it allows. */
  record Problem(String annotation, String value, String allowed) {
    String message() {
      return "annotation " + annotation + " has invalid value \"" + value + "\": allowed values are " + allowed
          + "; the load balancer keeps its last good configuration";
    }
  }

  /** The options the annotations ask for, and what is wrong with them ({@code options} is only meaningful when none is). */
  record Parsed(LoadBalancerOptions options, List<Problem> problems) {}

  private LoadBalancerAnnotations() {}

  static Parsed parse(Map<String, String> annotations) {
    var reader = new Reader(annotations);
    var defaults = LoadBalancerOptions.DEFAULTS;
    var check = HealthCheck.DEFAULT;
    Balance balance = reader.choice(LB_METHOD, Balance.class, defaults.balance());
    Persistence persistence = reader.choice(SESSION_PERSISTENCE, Persistence.class, defaults.persistence());
    HealthCheck.Type type = reader.choice(HEALTH_TYPE, HealthCheck.Type.class, check.type());
    int delay = reader.integer(HEALTH_DELAY, 1, MAX_SECONDS, (int) check.delay().toSeconds(), "seconds");
    int timeout = reader.integer(HEALTH_TIMEOUT, 1, MAX_SECONDS, (int) check.timeout().toSeconds(), "seconds");
    int retries = reader.integer(HEALTH_RETRIES, 1, 10, check.retries(), "failed checks");
    int limit = annotations.containsKey(CONNECTION_LIMIT) && annotations.get(CONNECTION_LIMIT).strip().equals("-1")
        ? -1 : reader.integer(CONNECTION_LIMIT, 1, MAX_CONNECTIONS, -1, "connections, or -1 for no limit");
    int keepAlive = reader.integer(KEEPALIVE_TIMEOUT, 1, MAX_SECONDS, (int) defaults.idleTimeout().toSeconds(), "seconds");
    boolean proxy = reader.choice(PROXY_PROTOCOL, Bool.class, Bool.FALSE) == Bool.TRUE;
    annotations.keySet().stream().filter(k -> k.startsWith(PREFIX) && !KNOWN.contains(k)).sorted()
        .forEach(k -> reader.problems.add(new Problem(k, annotations.get(k), "none: not a Pier load balancer annotation; known are "
            + String.join(", ", KNOWN))));
    if (!reader.problems.isEmpty()) return new Parsed(defaults, List.copyOf(reader.problems));
    var options = new LoadBalancerOptions(balance, persistence,
        new HealthCheck(type, Duration.ofSeconds(delay), Duration.ofSeconds(timeout), retries),
        limit < 0 ? OptionalInt.empty() : OptionalInt.of(limit), Duration.ofSeconds(keepAlive), proxy);
    return new Parsed(options, List.of());
  }

  private enum Bool { TRUE, FALSE }

  /** Reads annotations, collecting a problem for each bad value and answering the default instead. */
  private static final class Reader {
    private final Map<String, String> annotations;
    private final List<Problem> problems = new ArrayList<>();

    Reader(Map<String, String> annotations) {
      this.annotations = annotations;
    }

    <E extends Enum<E>> E choice(String name, Class<E> values, E fallback) {
      String value = annotations.get(name);
      if (value == null) return fallback;
      Map<String, E> byName = Arrays.stream(values.getEnumConstants())
          .collect(Collectors.toMap(e -> values == Bool.class ? e.name().toLowerCase() : e.name(), Function.identity()));
      E chosen = byName.get(value.strip());
      if (chosen == null) {
        problems.add(new Problem(name, value, String.join(", ", byName.keySet().stream().sorted().toList())));
        return fallback;
      }
      return chosen;
    }

    int integer(String name, int min, int max, int fallback, String unit) {
      String value = annotations.get(name);
      if (value == null) return fallback;
      try {
        int n = Integer.parseInt(value.strip());
        if (n >= min && n <= max) return n;
      } catch (NumberFormatException notANumber) {
        // reported below
      }
      problems.add(new Problem(name, value, "integers " + min + " to " + max + " (" + unit + ")"));
      return fallback;
    }
  }
}
