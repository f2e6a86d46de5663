package dev.pier.cloud.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HostNetworkTest {
  private static final Cidr SERVICES = Cidr.parse("10.96.0.0/12");

  @Test
  void namesAndAddressesFollowTheIndex() {
    var net = new HostNetwork(7);
    assertThat(net.bridge()).isEqualTo("pier7");
    assertThat(net.gateway()).isEqualTo("10.250.7.1");
    assertThat(net.machineAddress(2)).isEqualTo("10.250.7.2");
    assertThat(net.podCidr(2)).hasToString("10.157.2.0/24");
    assertThat(net.machineId("node-1")).isEqualTo("pier7-node-1");
    assertThat(net.natChain()).isEqualTo("PIER-7");
  }

  @Test
  void installationsNeverShareAddressesAndStayClearOfServices() {
    IntStream.rangeClosed(0, HostNetwork.MAX_INDEX).forEach(i -> {
      var a = new HostNetwork(i);
      assertThat(a.podNetwork().overlaps(SERVICES)).as("pod network %s", a.podNetwork()).isFalse();
      assertThat(a.machineSubnet().overlaps(SERVICES)).isFalse();
      assertThat(a.podNetwork().overlaps(a.machineSubnet())).isFalse();
      IntStream.rangeClosed(0, HostNetwork.MAX_INDEX).filter(j -> j != i).forEach(j -> {
        var b = new HostNetwork(j);
        assertThat(a.podNetwork().overlaps(b.podNetwork())).isFalse();
        assertThat(a.machineSubnet().overlaps(b.podNetwork())).isFalse();
        assertThat(a.machineSubnet().overlaps(b.machineSubnet())).isFalse();
      });
    });
  }

  @Test
  void interfaceNamesFitTheKernelLimit() {
    var net = new HostNetwork(HostNetwork.MAX_INDEX);
    assertThat(net.hostVeth(HostNetwork.LAST_SLOT).length()).isLessThanOrEqualTo(15);
    assertThat(net.bridge().length()).isLessThanOrEqualTo(15);
  }

  @Test
  void refusesIndexesAndSlotsOutOfRange() {
    assertThatThrownBy(() -> new HostNetwork(100)).hasMessageContaining("0-99");
    assertThatThrownBy(() -> new HostNetwork(0).machineAddress(1)).hasMessageContaining("slot");
    assertThatThrownBy(() -> new HostNetwork(0).podCidr(255)).hasMessageContaining("slot");
  }
}
