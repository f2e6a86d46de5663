package dev.pier.cloud.loadbalancer;

import dev.pier.cloud.machine.Cidr;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one installation's HAProxy keeps its state and which addresses it hands out.
 *
 * @param dataDir the installation's data directory; the provider keeps the VIP assignments and
 *     HAProxy's log under {@code <dataDir>/loadbalancers}
 * @param vipRange the addresses to hand out (first and last excluded); empty for the loopback range
 *     {@code 127.77.<n>.0/24} of this installation's index {@code n}, which needs no address set
 *     up on Linux. Any other range must already be routed to this host.
 */
public record HaproxyLoadBalancerConfig(Path dataDir, Optional<Cidr> vipRange) {
  public HaproxyLoadBalancerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(vipRange, "vipRange");
  }

  public static HaproxyLoadBalancerConfig of(Path dataDir) {
    return new HaproxyLoadBalancerConfig(dataDir, Optional.empty());
  }
}
