package dev.pier.cloud.machine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link LocalMachineProvider}.
 *
 * @param dataDir the installation's data directory; machines keep their data in {@code machines/}
 * @param registryPort the loopback port of the installation's image registry, which every machine
 *     uses as its mirror for docker.io and registry.k8s.io
 * @param hostPorts further loopback ports of the host that machines may reach at their
 *     {@link Machine#hostAddress()} (the API server, when it listens on loopback only)
 * @param sandboxImage the pause image pods' sandboxes run (it must be in the registry)
 * @param startTimeout how long a machine's runtime may take to answer
 */
public record LocalMachineConfig(Path dataDir, int registryPort, List<Integer> hostPorts,
    String sandboxImage, Duration startTimeout) {

  public static final String DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.9";

  public LocalMachineConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    checkPort(registryPort);
    hostPorts = List.copyOf(hostPorts);
    hostPorts.forEach(LocalMachineConfig::checkPort);
    Objects.requireNonNull(sandboxImage, "sandboxImage");
    Objects.requireNonNull(startTimeout, "startTimeout");
  }

  public static LocalMachineConfig of(Path dataDir, int registryPort) {
    return new LocalMachineConfig(dataDir, registryPort, List.of(), DEFAULT_SANDBOX_IMAGE, Duration.ofSeconds(60));
  }

  public LocalMachineConfig withHostPorts(List<Integer> ports) {
    return new LocalMachineConfig(dataDir, registryPort, ports, sandboxImage, startTimeout);
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1-65535, was " + port);
  }
}
