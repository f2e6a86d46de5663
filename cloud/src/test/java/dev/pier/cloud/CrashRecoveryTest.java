package dev.pier.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.agent.cri.CriClient;
import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.images.LocalRegistry;
import dev.pier.cloud.images.SeedImages;
import dev.pier.cloud.machine.HostNetwork;
import dev.pier.cloud.machine.LocalMachineConfig;
import dev.pier.cloud.machine.LocalMachineProvider;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineSpec;
import dev.pier.cloud.machine.MachineStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Pier process killed with its machine running (no clean-up at all) leaves containerd, shims,
 * pods, mounts, a namespace, cgroups and the bridge behind. The next provider on the same data
 * directory must clear them at start, bring the machine back with its images on create, keep its
 * data across a clean close, and leave nothing once the machine is deleted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashRecoveryTest {

  @Test
  void nextRunClearsWhatAKilledRunLeftAndKeepsTheMachineData() throws Exception {
    var leftovers = new Leftovers();
    Path target = Path.of("target").toAbsolutePath();
    Path dataDir = Files.createTempDirectory(Files.createDirectories(target), "crash-");
    Process crashed = null;
    LocalMachineProvider provider = null;
    HostNetwork network = null;
    try (LocalRegistry registry = LocalRegistry.start(dataDir)) {
      SeedImages.ensure(registry, target.resolve("seed-image-cache"));
      var config = LocalMachineConfig.of(dataDir, registry.port());

      crashed = startCrashedRun(dataDir, registry.port());
      String podIp = awaitReady(crashed);
      crashed.destroyForcibly().waitFor();
      assertThat(HostState.processesMentioning(dataDir + "/machines/node-x/containerd")).as("containerd outlives its parent").isNotEmpty();

      provider = LocalMachineProvider.start(config);
      network = provider.network();
      assertThat(HostState.processesMentioning(dataDir.resolve("machines").toString())).as("cleared at start").isEmpty();
      assertThat(HostState.processesMentioning("/run/pier/net-" + network.index() + "/")).as("shims cleared at start").isEmpty();
      String namespace = "pier" + network.index() + "-node-x";
      assertThat(HostState.networkNamespaces()).doesNotContain(namespace);
      assertThat(HostState.mountPointsUnder(dataDir)).isEmpty();
      assertThat(provider.status("node-x")).map(MachineStatus::state).contains(MachineStatus.State.STOPPED);

      Machine back = provider.create(MachineSpec.named("node-x"));
      assertThat(back.podCidr().contains(podIp)).as("same slot, same pod CIDR").isTrue();
      try (CriClient cri = CriClient.connect(back.runtimeSocket())) {
        assertThat(cri.imageStatus("docker.io/library/busybox:latest")).as("images kept").isPresent();
      }

      provider.close(); // keeps the data
      provider = LocalMachineProvider.start(config);
      assertThat(provider.list()).extracting(Machine::name).containsExactly("node-x");
      provider.delete("node-x");
      assertThat(provider.list()).isEmpty();
    } finally {
      if (crashed != null) crashed.destroyForcibly();
      if (provider != null) provider.close();
    }
    if (network != null) leftovers.assertNoneOf(dataDir, network, List.of("node-x"));
    new CommandRunner().run("rm", "-rf", "--one-file-system", dataDir.toString());
  }

  private static Process startCrashedRun(Path dataDir, int registryPort) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    // surefire hands the real class path over in this property (its own is a manifest-only jar)
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
        CrashedRun.class.getName(), dataDir.toString(), Integer.toString(registryPort))
        .redirectErrorStream(true)
        .start();
  }

  /** Reads the child's output until its READY line; returns the pod IP it printed. */
  private static String awaitReady(Process child) throws Exception {
    var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          System.out.println("[crashed run] " + line);
          if (line.startsWith("READY ")) return line.substring("READY ".length()).strip();
        }
        throw new IllegalStateException("the crashed run ended before it was ready");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    String ip = ready.get(2, TimeUnit.MINUTES);
    // keep draining so the child never blocks on a full pipe before it is killed
    Thread.startVirtualThread(() -> reader.lines().forEach(l -> System.out.println("[crashed run] " + l)));
    return ip;
  }
}
