package dev.pier.cloud.loadbalancer;

import dev.pier.cloud.loadbalancer.LoadBalancerOptions.HealthCheck;
import dev.pier.cloud.machine.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Renders the whole HAProxy configuration of one installation from its load balancers. Every
 * change rewrites the file; HAProxy reloads it whole.
 *
 * <p>Each port of a load balancer is one {@code mode tcp} frontend on {@code VIP:port} and one
 * backend of the same name, {@code <load balancer>:<port>}, whose servers are the nodes on the
 * port's NodePort, each checked on its own. The global {@code description} carries a generation
 * number that the runtime API's {@code show info} reports, so the provider can tell when a reload
 * has taken effect.
 */
final class HaproxyConfigFile {
  /** Persistence entries outlive a client's connections by this much, as a cloud balancer's do. */
  private static final Duration STICKINESS = Duration.ofMinutes(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private HaproxyConfigFile() {}

  /** The proxy name of a load balancer's port: the same for its frontend and its backend. */
  static String proxyName(String loadBalancer, int port) {
    return loadBalancer + ":" + port;
  }

  static String render(long generation, Path adminSocket, Collection<LoadBalancerStatus> loadBalancers) {
    var out = new StringBuilder();
    out.append("# Written by Pier: every change rewrites this file and reloads HAProxy.\n");
    out.append("global\n");
    // expose-fd listeners: a new worker takes the listening sockets over from the old one, so a reload refuses no connection
    out.append("  stats socket ").append(adminSocket).append(" mode 600 level admin expose-fd listeners\n");
    out.append("  description pier generation ").append(generation).append('\n');
    out.append("\ndefaults\n");
    out.append("  mode tcp\n");
    out.append("  timeout connect ").append(millis(CONNECT_TIMEOUT)).append('\n');
    out.append("  timeout client ").append(millis(LoadBalancerOptions.DEFAULTS.idleTimeout())).append('\n');
    out.append("  timeout server ").append(millis(LoadBalancerOptions.DEFAULTS.idleTimeout())).append('\n');
    for (LoadBalancerStatus lb : loadBalancers) {
      for (LoadBalancerSpec.Port port : lb.spec().ports()) {
        frontend(out, lb, port);
        backend(out, lb, port);
      }
    }
    return out.toString();
  }

  private static void frontend(StringBuilder out, LoadBalancerStatus lb, LoadBalancerSpec.Port port) {
    LoadBalancerOptions options = lb.spec().options();
    String name = proxyName(lb.name(), port.port());
    out.append("\nfrontend ").append(name).append('\n');
    out.append("  bind ").append(lb.ip()).append(':').append(port.port()).append('\n');
    options.connectionLimit().ifPresent(limit -> out.append("  maxconn ").append(limit).append('\n'));
    if (!lb.spec().sourceRanges().isEmpty()) {
      // refused before anything is read or forwarded: the client sees its connection closed
      out.append("  acl pier_source_allowed src ")
          .append(lb.spec().sourceRanges().stream().map(Cidr::toString).collect(Collectors.joining(" "))).append('\n');
      out.append("  tcp-request connection reject unless pier_source_allowed\n");
    }
    out.append("  timeout client ").append(millis(options.idleTimeout())).append('\n');
    out.append("  default_backend ").append(name).append('\n');
  }

  private static void backend(StringBuilder out, LoadBalancerStatus lb, LoadBalancerSpec.Port port) {
    LoadBalancerOptions options = lb.spec().options();
    HealthCheck check = options.healthCheck();
    out.append("\nbackend ").append(proxyName(lb.name(), port.port())).append('\n');
    out.append("  balance ").append(switch (options.balance()) {
      case ROUND_ROBIN -> "roundrobin";
      case LEAST_CONNECTIONS -> "leastconn";
      case SOURCE_IP -> "source";
    }).append('\n');
    out.append("  timeout server ").append(millis(options.idleTimeout())).append('\n');
    out.append("  timeout check ").append(millis(check.timeout())).append('\n');
    if (options.persistence() == LoadBalancerOptions.Persistence.SOURCE_IP) {
      out.append("  stick-table type ip size 100k expire ").append(millis(STICKINESS)).append('\n');
      out.append("  stick on src\n");
    }
    if (check.type() == HealthCheck.Type.HTTP) {
      out.append("  option httpchk GET /\n");
      out.append("  http-check expect rstatus ^[23]\n");
    }
    // fall: failed checks in a row that take a node out; one passing check brings it back
    out.append("  default-server check inter ").append(millis(check.delay())).append(" fall ").append(check.retries())
        .append(" rise 1").append(options.proxyProtocol() ? " send-proxy" : "").append('\n');
    for (String backend : lb.spec().backends()) {
      out.append("  server ").append(backend).append(' ').append(backend).append(':').append(port.nodePort()).append('\n');
    }
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }
}
