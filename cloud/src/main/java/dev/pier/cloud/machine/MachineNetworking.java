package dev.pier.cloud.machine;

import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.host.Poll;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * A machine's place on the network: its namespace with {@code eth0} (one end of a veth pair whose
 * other end is on the installation's bridge), and the routes that make every machine's pod CIDR
 * reachable from every other machine and from the host, via that machine's address.
 *
 * <p>Machines get no default route: they reach the host (gateway) and each other on the bridge,
 * and nothing beyond, so no container can send traffic off the host.
 */
final class MachineNetworking {
  private final CommandRunner run;

  MachineNetworking(CommandRunner run) {
    this.run = run;
  }

  void create(MachineLayout m) {
    String ns = m.id();
    if (!Files.exists(m.netnsPath())) {
      run.run("ip", "netns", "add", ns);
    }
    if (!HostBridge.linkExists(m.hostVeth())) {
      run.run("ip", "link", "add", m.hostVeth(), "type", "veth", "peer", "name", "eth0", "netns", ns);
    }
    run.run("ip", "link", "set", m.hostVeth(), "master", m.network().bridge(), "up");
    run.run("ip", "-n", ns, "addr", "replace", m.address() + "/" + m.network().machineSubnet().prefixLength(), "dev", "eth0");
    run.run("ip", "-n", ns, "link", "set", "eth0", "up");
    run.run("ip", "-n", ns, "link", "set", "lo", "up");
    // /proc/sys/net shows the namespace of the process that opens it: write it from inside
    run.run("nsenter", "--net=" + m.netnsPath(), "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
  }

  /**
   * Deletes the namespace; its eth0, and with it the host's end of the pair, goes too, but only
   * once the kernel has cleaned the namespace up, a moment later. The host's end is deleted here
   * if it is still there, and waited for either way, so the slot's names are free on return.
   */
  void delete(MachineLayout m) {
    if (Files.exists(m.netnsPath())) {
      run.run("ip", "netns", "delete", m.id());
    }
    if (HostBridge.linkExists(m.hostVeth())) {
      run.runAllowingFailure(List.of("ip", "link", "del", m.hostVeth())); // may vanish meanwhile
    }
    Poll.until(Duration.ofSeconds(30), () -> "interface " + m.hostVeth() + " to go", () -> !HostBridge.linkExists(m.hostVeth()));
  }

  /** Routes {@code m}'s pod CIDR from the host and from {@code others}, and theirs from {@code m}. */
  void connect(MachineLayout m, Collection<MachineLayout> others) {
    route(List.of(), m);
    for (MachineLayout other : others) {
      route(List.of("-n", other.id()), m);
      route(List.of("-n", m.id()), other);
    }
  }

  /** Removes the routes to {@code m}'s pod CIDR from the host and from {@code others}. */
  void disconnect(MachineLayout m, Collection<MachineLayout> others) {
    unroute(List.of(), m);
    for (MachineLayout other : others) {
      if (Files.exists(other.netnsPath())) {
        unroute(List.of("-n", other.id()), m);
      }
    }
  }

  private void route(List<String> where, MachineLayout to) {
    var command = new java.util.ArrayList<>(List.of("ip"));
    command.addAll(where);
    command.addAll(List.of("route", "replace", to.podCidr().toString(), "via", to.address()));
    run.run(command);
  }

  private void unroute(List<String> where, MachineLayout to) {
    var command = new java.util.ArrayList<>(List.of("ip"));
    command.addAll(where);
    command.addAll(List.of("route", "del", to.podCidr().toString(), "via", to.address()));
    run.runAllowingFailure(command); // gone with its device already
  }
}
