package dev.pier.cloud.machine;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The installation's bridge on the host, and the host's loopback services machines may reach.
 *
 * <p>A machine's programs run in its own network namespace, where 127.0.0.1 is the machine's, not
 * the host's. Host services that listen on loopback only (the image registry, perhaps the API
 * server) are offered to machines at the bridge's gateway address instead: a DNAT rule, limited to
 * packets arriving on this bridge, rewrites {@code gateway:port} to {@code 127.0.0.1:port}, and
 * {@code route_localnet} on the bridge lets the kernel route them to loopback. Nothing outside the
 * bridge can use the rule, and the services stay bound to loopback.
 */
final class HostBridge {
  private final CommandRunner run;
  private final HostNetwork net;

  HostBridge(CommandRunner run, HostNetwork net) {
    this.run = run;
    this.net = net;
  }

  /** Creates the bridge and its rules, or brings existing ones to this state. */
  void ensure(List<Integer> loopbackPorts) {
    String bridge = net.bridge();
    if (!linkExists(bridge)) {
      run.run("ip", "link", "add", bridge, "type", "bridge");
    }
    run.run("ip", "addr", "replace", net.gateway() + "/" + net.machineSubnet().prefixLength(), "dev", bridge);
    run.run("ip", "link", "set", bridge, "up");
    writeSysctl(Path.of("/proc/sys/net/ipv4/conf", bridge, "route_localnet"), "1");

    String chain = net.natChain();
    run.runAllowingFailure(List.of("iptables", "-w", "-t", "nat", "-N", chain)); // exists after a restart
    run.run("iptables", "-w", "-t", "nat", "-F", chain);
    for (int port : loopbackPorts) {
      run.run("iptables", "-w", "-t", "nat", "-A", chain, "-d", net.gateway() + "/32", "-p", "tcp",
          "--dport", Integer.toString(port), "-j", "DNAT", "--to-destination", "127.0.0.1:" + port);
    }
    List<String> jump = List.of("PREROUTING", "-i", bridge, "-j", chain);
    if (!iptables("-C", jump)) {
      iptables("-A", jump);
    }
  }

  /** Removes the bridge and its rules; quiet about parts already gone. */
  void remove() {
    List<String> jump = List.of("PREROUTING", "-i", net.bridge(), "-j", net.natChain());
    while (iptables("-D", jump)) {
      // a rule added twice (by a crashed earlier run) needs two deletes
    }
    run.runAllowingFailure(List.of("iptables", "-w", "-t", "nat", "-F", net.natChain()));
    run.runAllowingFailure(List.of("iptables", "-w", "-t", "nat", "-X", net.natChain()));
    if (linkExists(net.bridge())) {
      run.run("ip", "link", "del", net.bridge());
    }
  }

  boolean exists() {
    return linkExists(net.bridge());
  }

  private boolean iptables(String op, List<String> rule) {
    var command = new java.util.ArrayList<>(List.of("iptables", "-w", "-t", "nat", op));
    command.addAll(rule);
    return run.runAllowingFailure(command).succeeded();
  }

  static boolean linkExists(String name) {
    return Files.exists(Path.of("/sys/class/net", name));
  }

  static void writeSysctl(Path file, String value) {
    try {
      Files.writeString(file, value);
    } catch (IOException e) {
      throw new UncheckedIOException("could not set " + file, e);
    }
  }
}
