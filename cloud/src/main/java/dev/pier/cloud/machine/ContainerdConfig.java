package dev.pier.cloud.machine;

import dev.pier.cloud.images.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes one machine's containerd configuration, its registry mirrors and its CNI network.
 *
 * <p>Every path containerd would otherwise share with another instance is its own: root, state,
 * both sockets, the opt directory and runc's root (without it, all instances would share
 * /run/containerd/runc/k8s.io). Settings this host needs: {@code restrict_oom_score_adj} (root
 * lacks CAP_SYS_RESOURCE here, and runc fails every sandbox raising oom_score_adj without it),
 * cgroupfs rather than systemd cgroups, and network namespaces under the state directory so that
 * deleting the machine finds them.
 *
 * <p>docker.io and registry.k8s.io resolve to Pier's registry only: both the {@code server} and
 * the only {@code host} of their hosts.toml point there, so a missing image fails fast instead of
 * reaching for the internet. (containerd 1.6 rejects a hosts.toml without a host table.)
 */
final class ContainerdConfig {
  static final int STREAM_PORT = 10010;
  static final List<String> MIRRORED_REGISTRIES = LocalRegistry.MIRRORED_REGISTRIES;

  private ContainerdConfig() {}

  static void write(MachineLayout m, String registryEndpoint, String sandboxImage) throws IOException {
    Files.createDirectories(m.containerdRoot());
    Files.createDirectories(m.cniConfDir());
    Files.writeString(m.containerdConfig(), containerdToml(m, sandboxImage));
    for (String registry : MIRRORED_REGISTRIES) {
      Path dir = m.registryHostsDir().resolve(registry);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hosts.toml"), hostsToml(registryEndpoint));
    }
    Files.writeString(m.cniConfDir().resolve("10-pier.conflist"), cniConflist(m));
  }

  static String containerdToml(MachineLayout m, String sandboxImage) {
    return """
        # Written by Pier for machine %1$s; rewritten at every start.
        version = 2
        root = "%2$s"
        state = "%3$s"
        # temporary mounts (while unpacking images) go here rather than to /tmp
        temp = "%3$s/tmp"
        # Snapshotters this host has no use for; they only log errors at start.
        disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", \
        "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", \
        "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

        [grpc]
          address = "%4$s"

        [ttrpc]
          address = "%5$s"

        [cgroup]
          path = "%6$s"

        [plugins."io.containerd.internal.v1.opt"]
          path = "%7$s"

        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%8$s"
          restrict_oom_score_adj = true
          netns_mounts_under_state_dir = true
          stream_server_address = "%9$s"
          stream_server_port = "%10$d"

        [plugins."io.containerd.grpc.v1.cri".containerd]
          snapshotter = "overlayfs"
          default_runtime_name = "runc"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = "%11$s"

        [plugins."io.containerd.grpc.v1.cri".cni]
          bin_dir = "/usr/lib/cni"
          conf_dir = "%12$s"

        [plugins."io.containerd.grpc.v1.cri".registry]
          config_path = "%13$s"
        """.formatted(
        m.name(), m.containerdRoot(), m.containerdState(), m.runtimeSocket(), m.ttrpcSocket(),
        m.runtimeCgroup(), m.containerdDir().resolve("opt"), sandboxImage, m.address(),
        STREAM_PORT, m.runcRoot(), m.cniConfDir(), m.registryHostsDir());
  }

  static String hostsToml(String registryEndpoint) {
    return """
        server = "%1$s"

        [host."%1$s"]
          capabilities = ["pull", "resolve"]
        """.formatted(registryEndpoint);
  }

  /**
   * A bridge ({@code cni0} inside the machine's namespace) with the machine's pod CIDR, the
   * bridge's address as the pods' gateway, no masquerade (pods reach other machines' pods with
   * their own addresses, through the machine's routes), and portmap for hostPorts. containerd adds
   * the loopback plugin for each pod's {@code lo} itself.
   */
  static String cniConflist(MachineLayout m) {
    return """
        {
          "cniVersion": "1.0.0",
          "name": "%1$s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "cni0",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%2$s"}]],
                "routes": [{"dst": "0.0.0.0/0"}],
                "dataDir": "%3$s"
              }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}}
          ]
        }
        """.formatted(m.cniNetworkName(), m.podCidr(), m.ipamDir());
  }
}
