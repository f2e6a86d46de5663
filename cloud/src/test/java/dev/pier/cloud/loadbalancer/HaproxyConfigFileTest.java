package dev.pier.cloud.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.Balance;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.HealthCheck;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.Persistence;
import dev.pier.cloud.machine.Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every combination of options renders a configuration that HAProxy itself accepts ({@code haproxy -c}). */
class HaproxyConfigFileTest {
  @TempDir
  Path dir;

  @Test
  void everyOptionRendersAConfigurationHaproxyAccepts() throws Exception {
    List<LoadBalancerStatus> lbs = new ArrayList<>();
    int n = 0;
    for (Balance balance : Balance.values()) {
      for (Persistence persistence : Persistence.values()) {
        for (HealthCheck.Type check : HealthCheck.Type.values()) {
          boolean odd = n % 2 == 1;
          var options = new LoadBalancerOptions(balance, persistence, new HealthCheck(check, Duration.ofSeconds(2), Duration.ofSeconds(1), 2),
              odd ? OptionalInt.of(10) : OptionalInt.empty(), Duration.ofSeconds(30), odd);
          var spec = new LoadBalancerSpec("c.ns.svc-" + n, Optional.empty(), List.of(new LoadBalancerSpec.Port("TCP", 80, 30080),
              new LoadBalancerSpec.Port("TCP", 443, 30443)), List.of("10.250.1.2", "10.250.1.3"),
              odd ? List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.7/32")) : List.of(), options);
          lbs.add(new LoadBalancerStatus(spec.name(), "127.77.1." + (n + 1), spec));
          n++;
        }
      }
    }
    String text = HaproxyConfigFile.render(7, dir.resolve("admin.sock"), lbs);
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), text);

    var result = new CommandRunner().runAllowingFailure(List.of("haproxy", "-c", "-f", file.toString()));
    assertThat(result.exitCode()).as(result.stdout() + result.stderr() + "\n" + text).isZero();
    assertThat(text).contains("description pier generation 7", "frontend c.ns.svc-1:443", "bind 127.77.1.2:443", "balance leastconn",
        "balance source", "stick on src", "option httpchk GET /", "send-proxy", "maxconn 10",
        "acl pier_source_allowed src 10.0.0.0/8 192.0.2.7/32", "server 10.250.1.3 10.250.1.3:30443");
  }
}
