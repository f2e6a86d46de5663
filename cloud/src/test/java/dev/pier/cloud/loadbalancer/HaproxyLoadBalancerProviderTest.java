package dev.pier.cloud.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.cloud.host.Poll;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.HealthCheck;
import dev.pier.cloud.machine.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HAProxy provider with real HAProxy, and TCP servers on loopback addresses standing in for nodes. */
class HaproxyLoadBalancerProviderTest {
  private static final List<String> NODES = List.of("127.0.0.21", "127.0.0.22", "127.0.0.23");

  @TempDir
  Path dataDir;
  private HaproxyLoadBalancerProvider provider;
  private Backends backends;

  @BeforeEach
  void start() {
    provider = HaproxyLoadBalancerProvider.start(HaproxyLoadBalancerConfig.of(dataDir));
  }

  @AfterEach
  void stop() {
    if (backends != null) backends.close();
    Path config = provider.configFile();
    Path runtimeDir = config.getParent();
    provider.close();
    assertThat(HaproxyProcess.processesOn(config)).as("HAProxy processes").isEmpty();
    assertThat(runtimeDir).doesNotExist();
  }

  @Test
  void trafficThroughTheVipReachesEveryNode() throws IOException {
    backends = new Backends(NODES, false);
    LoadBalancerStatus lb = provider.ensure(spec("c1.default.web", backends.port(), LoadBalancerOptions.DEFAULTS));

    assertThat(provider.vipRange().contains(lb.ip())).isTrue();
    assertThat(lb.ip()).startsWith("127.77.");
    Set<String> reached = new HashSet<>();
    for (int i = 0; i < 3 * NODES.size(); i++) reached.add(Backends.fetch(null, lb.ip(), 8080, null).strip());
    assertThat(reached).containsExactlyInAnyOrderElementsOf(NODES);
    assertThat(Files.readString(provider.configFile())).contains("frontend c1.default.web:8080", "bind " + lb.ip() + ":8080",
        "server 127.0.0.22 127.0.0.22:" + backends.port());
    assertThat(provider.runtimeApi().stat()).anySatisfy(row -> {
      assertThat(row).containsEntry("pxname", "c1.default.web:8080").containsEntry("svname", "FRONTEND").containsEntry("status", "OPEN");
    });
  }

  @Test
  void aNodeFailingItsChecksGetsNoTraffic() throws IOException {
    backends = new Backends(NODES, false);
    var fastChecks = withCheck(new HealthCheck(HealthCheck.Type.TCP, Duration.ofMillis(200), Duration.ofMillis(200), 1));
    LoadBalancerStatus lb = provider.ensure(spec("c1.default.web", backends.port(), fastChecks));

    backends.stop("127.0.0.22");
    Poll.until(Duration.ofSeconds(20), () -> "127.0.0.22 to be DOWN in " + provider.runtimeApi().stat(),
        () -> provider.runtimeApi().stat().stream().anyMatch(r -> r.get("svname").equals("127.0.0.22") && r.get("status").startsWith("DOWN")));
    Set<String> reached = new HashSet<>();
    for (int i = 0; i < 3 * NODES.size(); i++) reached.add(Backends.fetch(null, lb.ip(), 8080, null).strip());
    assertThat(reached).containsExactlyInAnyOrder("127.0.0.21", "127.0.0.23");
  }

  @Test
  void reloadsUnderLoadLoseNoConnection() throws Exception {
    backends = new Backends(NODES, false);
    LoadBalancerStatus lb = provider.ensure(spec("c1.default.web", backends.port(), LoadBalancerOptions.DEFAULTS));
    AtomicInteger served = new AtomicInteger();
    AtomicInteger attempted = new AtomicInteger();
    var reloading = new java.util.concurrent.atomic.AtomicBoolean(true);
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    int maxPerClient = 20_000; // bounds the load should the reloads hang
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < 4; c++) {
        clients.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < maxPerClient && reloading.get(); i++) {
            attempted.incrementAndGet();
            try {
              String reply = Backends.fetch(null, lb.ip(), 8080, null).strip();
              if (NODES.contains(reply)) served.incrementAndGet();
              else failures.add("empty or unexpected reply: \"" + reply + "\"");
            } catch (IOException e) {
              failures.add(e.toString());
            }
          }
        }, executor));
      }
      // every reload changes the configuration (a different connection limit), so HAProxy really reloads each time
      int servedBefore = served.get();
      try {
        for (int reload = 0; reload < 10; reload++) {
          var options = new LoadBalancerOptions(LoadBalancerOptions.Balance.ROUND_ROBIN, LoadBalancerOptions.Persistence.NONE,
              HealthCheck.DEFAULT, OptionalInt.of(1000 + reload), Duration.ofSeconds(50), false);
          provider.ensure(spec("c1.default.web", backends.port(), options));
        }
      } finally {
        reloading.set(false);
      }
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
      assertThat(served.get()).as("connections during the reloads").isGreaterThan(servedBefore);
    }

    assertThat(failures).isEmpty();
    assertThat(served.get()).isEqualTo(attempted.get());
    assertThat(provider.runtimeApi().info()).containsEntry("description", "pier generation 12");
  }

  @Test
  void deleteRemovesTheFrontendFromConfigurationAndStats() throws IOException {
    backends = new Backends(NODES, false);
    LoadBalancerStatus kept = provider.ensure(spec("c1.default.kept", backends.port(), LoadBalancerOptions.DEFAULTS));
    LoadBalancerStatus gone = provider.ensure(spec("c1.default.gone", backends.port(), LoadBalancerOptions.DEFAULTS));
    assertThat(gone.ip()).isNotEqualTo(kept.ip());

    provider.delete("c1.default.gone");
    provider.delete("c1.default.never-was");

    assertThat(Files.readString(provider.configFile())).doesNotContain("c1.default.gone").contains("frontend c1.default.kept:8080");
    assertThat(provider.runtimeApi().stat()).extracting(r -> r.get("pxname")).doesNotContain("c1.default.gone:8080").contains("c1.default.kept:8080");
    assertThatThrownBy(() -> Backends.fetch(null, gone.ip(), 8080, null)).isInstanceOf(IOException.class);
    assertThat(provider.list()).extracting(LoadBalancerStatus::name).containsExactly("c1.default.kept");
    // the freed address goes to the next load balancer
    assertThat(provider.ensure(spec("c1.default.next", backends.port(), LoadBalancerOptions.DEFAULTS)).ip()).isEqualTo(gone.ip());
  }

  @Test
  void sourceRangesRefuseOtherClients() throws IOException {
    backends = new Backends(NODES, false);
    var base = spec("c1.default.web", backends.port(), LoadBalancerOptions.DEFAULTS);
    LoadBalancerStatus lb = provider.ensure(new LoadBalancerSpec(base.name(), Optional.empty(), base.ports(), base.backends(),
        List.of(Cidr.parse("127.0.0.5/32")), base.options()));

    assertThat(Backends.fetch("127.0.0.5", lb.ip(), 8080, null).strip()).isIn(NODES);
    String refused;
    try {
      refused = Backends.fetch("127.0.0.6", lb.ip(), 8080, null);
    } catch (IOException reset) {
      refused = "";
    }
    assertThat(refused).as("a client outside the source ranges gets nothing").isEmpty();
    assertThat(Files.readString(provider.configFile())).contains("tcp-request connection reject unless pier_source_allowed");
  }

  @Test
  void proxyProtocolTellsBackendsTheClientAddress() throws IOException {
    backends = new Backends(List.of("127.0.0.21"), true);
    var options = new LoadBalancerOptions(LoadBalancerOptions.Balance.LEAST_CONNECTIONS, LoadBalancerOptions.Persistence.SOURCE_IP,
        HealthCheck.DEFAULT, OptionalInt.of(100), Duration.ofSeconds(30), true);
    LoadBalancerStatus lb = provider.ensure(spec("c1.default.web", backends.port(), options));

    String reply = Backends.fetch("127.0.0.7", lb.ip(), 8080, null);
    assertThat(reply).startsWith("127.0.0.21\nPROXY TCP4 127.0.0.7 " + lb.ip() + " ");
  }

  @Test
  void requestedAddressesAndProtocolsAreChecked() {
    var base = spec("c1.default.web", 30000, LoadBalancerOptions.DEFAULTS);
    String wanted = provider.vipRange().address(200);
    LoadBalancerStatus lb = provider.ensure(new LoadBalancerSpec(base.name(), Optional.of(wanted), base.ports(), base.backends(),
        List.of(), base.options()));
    assertThat(lb.ip()).isEqualTo(wanted);

    assertThatThrownBy(() -> provider.ensure(new LoadBalancerSpec("c1.default.other", Optional.of(wanted), base.ports(), base.backends(),
        List.of(), base.options()))).isInstanceOfSatisfying(LoadBalancerException.class,
            e -> assertThat(e.code()).isEqualTo(LoadBalancerException.Code.IP_UNAVAILABLE));
    assertThatThrownBy(() -> provider.ensure(new LoadBalancerSpec("c1.default.other", Optional.of("10.1.2.3"), base.ports(), base.backends(),
        List.of(), base.options()))).isInstanceOfSatisfying(LoadBalancerException.class,
            e -> assertThat(e.code()).isEqualTo(LoadBalancerException.Code.IP_UNAVAILABLE));
    assertThatThrownBy(() -> provider.ensure(new LoadBalancerSpec("c1.default.dns", Optional.empty(),
        List.of(new LoadBalancerSpec.Port("UDP", 53, 30053)), base.backends(), List.of(), base.options())))
        .isInstanceOfSatisfying(LoadBalancerException.class,
            e -> assertThat(e.code()).isEqualTo(LoadBalancerException.Code.UNSUPPORTED_PROTOCOL));
    assertThat(provider.list()).extracting(LoadBalancerStatus::name).containsExactly("c1.default.web");
  }

  @Test
  void addressesSurviveARestartAndInstallationsStayApart(@TempDir Path otherDataDir) throws IOException {
    backends = new Backends(NODES, false);
    String ip = provider.ensure(spec("c1.default.web", backends.port(), LoadBalancerOptions.DEFAULTS)).ip();
    try (var other = HaproxyLoadBalancerProvider.start(HaproxyLoadBalancerConfig.of(otherDataDir))) {
      assertThat(other.vipRange().overlaps(provider.vipRange())).isFalse();
      assertThat(other.configFile()).isNotEqualTo(provider.configFile());
      String otherIp = other.ensure(spec("c1.default.web", backends.port(), LoadBalancerOptions.DEFAULTS)).ip();
      assertThat(Backends.fetch(null, otherIp, 8080, null).strip()).isIn(NODES);
      assertThat(Backends.fetch(null, ip, 8080, null).strip()).isIn(NODES);
    }

    provider.close();
    provider = HaproxyLoadBalancerProvider.start(HaproxyLoadBalancerConfig.of(dataDir));
    assertThat(provider.list()).isEmpty();
    assertThat(provider.ensure(spec("c1.default.web", backends.port(), LoadBalancerOptions.DEFAULTS)).ip()).isEqualTo(ip);
  }

  private static LoadBalancerSpec spec(String name, int nodePort, LoadBalancerOptions options) {
    return new LoadBalancerSpec(name, Optional.empty(), List.of(new LoadBalancerSpec.Port("TCP", 8080, nodePort)), NODES, List.of(), options);
  }

  private static LoadBalancerOptions withCheck(HealthCheck check) {
    var d = LoadBalancerOptions.DEFAULTS;
    return new LoadBalancerOptions(d.balance(), d.persistence(), check, d.connectionLimit(), d.idleTimeout(), d.proxyProtocol());
  }

}
