package dev.pier.cloud.machine;

import java.nio.file.Path;

/**
 * Where one machine keeps things. Persistent data (images, the runtime's metadata, configuration,
 * logs) lives under the installation's data directory; runtime state (sockets, runc state, mounts,
 * IP leases) under {@code /run/pier/net-<index>/<name>}, short enough for unix socket paths
 * (108 bytes) whatever the data directory is.
 */
record MachineLayout(String name, int slot, HostNetwork network, Path dataDir, Path runtimeDir) {

  static MachineLayout of(String name, int slot, HostNetwork network, Path machinesDir, Path installationRuntimeDir) {
    return new MachineLayout(name, slot, network, machinesDir.resolve(name), installationRuntimeDir.resolve(name));
  }

  String id() {
    return network.machineId(name);
  }

  String address() {
    return network.machineAddress(slot);
  }

  Cidr podCidr() {
    return network.podCidr(slot);
  }

  String hostVeth() {
    return network.hostVeth(slot);
  }

  Path netnsPath() {
    return Path.of("/run/netns", id());
  }

  /** containerd's own cgroup (it and its shims); pods go under {@link #podCgroupParent()}. */
  String runtimeCgroup() {
    return "/pier/" + id() + "/runtime";
  }

  String podCgroupParent() {
    return "/pier/" + id() + "/pods";
  }

  /** The CNI network name, unique on the host: it names libcni's cache files. */
  String cniNetworkName() {
    return id();
  }

  Path recordFile() {
    return dataDir.resolve("machine.properties");
  }

  Path containerdDir() {
    return dataDir.resolve("containerd");
  }

  Path containerdConfig() {
    return containerdDir().resolve("config.toml");
  }

  Path containerdRoot() {
    return containerdDir().resolve("root");
  }

  Path registryHostsDir() {
    return containerdDir().resolve("certs.d");
  }

  Path cniConfDir() {
    return containerdDir().resolve("cni");
  }

  Path logDir() {
    return dataDir.resolve("logs");
  }

  /** A directory the machine's own programs (its agent) may use as their data directory. */
  Path nodeDir() {
    return dataDir.resolve("node");
  }

  Path runtimeSocket() {
    return runtimeDir.resolve("containerd.sock");
  }

  Path ttrpcSocket() {
    return runtimeDir.resolve("containerd.sock.ttrpc");
  }

  Path containerdState() {
    return runtimeDir.resolve("state");
  }

  Path runcRoot() {
    return runtimeDir.resolve("runc");
  }

  Path ipamDir() {
    return runtimeDir.resolve("ipam");
  }
}
