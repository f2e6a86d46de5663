package dev.pier.cloud.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void parsesFormatsAndNumbersAddresses() {
    Cidr net = Cidr.parse("10.250.7.0/24");
    assertThat(net).hasToString("10.250.7.0/24");
    assertThat(net.address(1)).isEqualTo("10.250.7.1");
    assertThat(net.address(254)).isEqualTo("10.250.7.254");
    assertThat(net.contains("10.250.7.99")).isTrue();
    assertThat(net.contains("10.250.8.1")).isFalse();
    assertThatThrownBy(() -> net.address(256)).hasMessageContaining("outside 10.250.7.0/24");
  }

  @Test
  void cutsSubnets() {
    Cidr pods = Cidr.parse("10.171.0.0/16");
    assertThat(pods.subnet(24, 3)).hasToString("10.171.3.0/24");
    assertThat(pods.subnet(24, 255)).hasToString("10.171.255.0/24");
    assertThatThrownBy(() -> pods.subnet(24, 256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pods.subnet(8, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlapIsSymmetricAndRespectsPrefixes() {
    Cidr services = Cidr.parse("10.96.0.0/12");
    assertThat(services.overlaps(Cidr.parse("10.100.0.0/16"))).isTrue();
    assertThat(Cidr.parse("10.100.0.0/16").overlaps(services)).isTrue();
    assertThat(services.overlaps(Cidr.parse("10.150.0.0/16"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").overlaps(services)).isTrue();
    assertThat(Cidr.parse("192.0.2.2")).isEqualTo(new Cidr(Cidr.parseAddress("192.0.2.2"), 32));
  }

  @Test
  void refusesHostBitsAndBadAddresses() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.1/24")).hasMessageContaining("host bits");
    assertThatThrownBy(() -> Cidr.parse("10.0.0/24")).hasMessageContaining("not an IPv4 address");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.256/32")).hasMessageContaining("not an IPv4 address");
  }
}
