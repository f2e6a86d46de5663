package dev.pier.agent.cri;

import java.util.Objects;

/** A pod port published on the node ({@code hostPort}); CNI's portmap plugin installs it. */
public record PortMapping(Protocol protocol, int containerPort, int hostPort, String hostIp) {
  public enum Protocol { TCP, UDP, SCTP }

  public PortMapping {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(hostIp, "hostIp (empty for all addresses)");
  }
}
