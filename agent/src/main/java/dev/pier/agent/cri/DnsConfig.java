package dev.pier.agent.cri;

import java.util.List;

/** What the runtime writes into the sandbox's /etc/resolv.conf. Empty lists keep the node's file. */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
  public static final DnsConfig NODE_DEFAULT = new DnsConfig(List.of(), List.of(), List.of());

  public DnsConfig {
    servers = List.copyOf(servers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }
}
