package dev.pier.cloud.loadbalancer;

import dev.pier.cloud.machine.Cidr;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one load balancer should do: listen on {@code ports} of one address and forward each to
 * the same node port of every backend.
 *
 * @param name a name unique among the provider's load balancers and usable in its configuration:
 *     letters, digits, {@code - _ .}; Pier uses {@code <cell>.<namespace>.<service>}
 * @param requestedIp the address it must have ({@code spec.loadBalancerIP}), or empty for any
 *     free one of the provider's pool
 * @param backends the nodes' addresses
 * @param sourceRanges clients allowed to connect; empty allows every client
 */
public record LoadBalancerSpec(String name, Optional<String> requestedIp, List<Port> ports, List<String> backends,
    List<Cidr> sourceRanges, LoadBalancerOptions options) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,250}");

  public LoadBalancerSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("load balancer name must be letters, digits, '.', '_' and '-', was \"" + name + "\"");
    }
    Objects.requireNonNull(requestedIp, "requestedIp");
    ports = List.copyOf(ports);
    backends = List.copyOf(backends);
    sourceRanges = List.copyOf(sourceRanges);
    Objects.requireNonNull(options, "options");
    if (ports.isEmpty()) throw new IllegalArgumentException("load balancer " + name + " has no ports");
    if (ports.stream().map(Port::port).distinct().count() != ports.size()) {
      throw new IllegalArgumentException("load balancer " + name + " lists a port twice: " + ports);
    }
  }

  /**
   * One listening port.
   *
   * @param protocol {@code TCP}, {@code UDP} or {@code SCTP}, as in a Service port
   * @param nodePort where every backend accepts this port's traffic
   */
  public record Port(String protocol, int port, int nodePort) {
    public Port {
      Objects.requireNonNull(protocol, "protocol");
      if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535, was " + port);
      if (nodePort < 1 || nodePort > 65535) throw new IllegalArgumentException("node port must be 1-65535, was " + nodePort);
    }
  }
}
