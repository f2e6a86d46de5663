package dev.pier.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.machine.HostNetwork;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that an installation left nothing on the host: taken before it starts (shared
 * directories other programs also use), checked after it is gone.
 */
final class Leftovers {
  private static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
  private static final Path CNI_CACHE = Path.of("/var/lib/cni/results");

  private final List<String> shimSocketsBefore = HostState.entries(SHIM_SOCKETS);
  private final List<String> cniCacheBefore = HostState.entries(CNI_CACHE);

  /** Nothing of the machines {@code names} of the installation at {@code dataDir} using {@code network}. */
  void assertNoneOf(Path dataDir, HostNetwork network, List<String> names) {
    String runtimeDir = "/run/pier/net-" + network.index();
    assertThat(HostState.networkNamespaces()).noneMatch(ns -> ns.startsWith("pier" + network.index() + "-"));
    assertThat(HostState.links()).doesNotContain(network.bridge()).noneMatch(l -> l.startsWith("pv" + network.index() + "x"));
    assertThat(HostState.mountPointsUnder(dataDir)).isEmpty();
    assertThat(HostState.mountPointsUnder(Path.of(runtimeDir))).isEmpty();
    assertThat(Path.of(runtimeDir)).doesNotExist();
    assertThat(HostState.processesMentioning(dataDir.resolve("machines").toString())).as("containerd, machine programs").isEmpty();
    assertThat(HostState.processesMentioning(runtimeDir + "/")).as("shims").isEmpty();
    for (String name : names) {
      assertThat(HostState.pierCgroups("pier" + network.index() + "-" + name)).as("cgroups of " + name).isEmpty();
    }
    assertThat(HostState.entries(SHIM_SOCKETS)).as("shim sockets").isSubsetOf(shimSocketsBefore);
    assertThat(HostState.entries(CNI_CACHE)).as("CNI cache").isSubsetOf(cniCacheBefore);
    var chain = new CommandRunner().runAllowingFailure(List.of("iptables", "-w", "-t", "nat", "-S", "PIER-" + network.index()));
    assertThat(chain.succeeded()).as("iptables chain PIER-%s", network.index()).isFalse();
  }
}
