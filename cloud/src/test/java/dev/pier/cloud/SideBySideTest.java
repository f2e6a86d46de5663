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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two installations on one host at once, each with its own data directory and registry and a
 * machine of the same name: their bridges, subnets, namespaces and cgroups must not collide, each
 * one's pods get addresses from its own pod network, and closing one leaves the other running.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SideBySideTest {

  @Test
  void twoInstallationsWithTheSameMachineNamesDoNotCollide() throws Exception {
    var leftovers = new Leftovers();
    Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
    Path first = Files.createTempDirectory(target, "first-");
    Path second = Files.createTempDirectory(target, "second-");
    HostNetwork firstNetwork;
    HostNetwork secondNetwork;
    try (LocalRegistry r1 = LocalRegistry.start(first);
         LocalRegistry r2 = LocalRegistry.start(second)) {
      assertThat(r1.port()).isNotEqualTo(r2.port());
      SeedImages.ensure(r1, target.resolve("seed-image-cache"));
      SeedImages.ensure(r2, target.resolve("seed-image-cache"));
      try (var p1 = LocalMachineProvider.start(LocalMachineConfig.of(first, r1.port()));
           var p2 = LocalMachineProvider.start(LocalMachineConfig.of(second, r2.port()))) {
        firstNetwork = p1.network();
        secondNetwork = p2.network();
        assertThat(firstNetwork.index()).isNotEqualTo(secondNetwork.index());

        Machine m1 = p1.create(MachineSpec.named("node-1"));
        Machine m2 = p2.create(MachineSpec.named("node-1"));
        assertThat(m1.networkNamespace()).isNotEqualTo(m2.networkNamespace());
        assertThat(m1.podCgroupParent()).isNotEqualTo(m2.podCgroupParent());
        assertThat(m1.runtimeSocket()).isNotEqualTo(m2.runtimeSocket());
        assertRunsAPodIn(m1, firstNetwork);
        assertRunsAPodIn(m2, secondNetwork);

        p1.close();
        leftovers.assertNoneOf(first, firstNetwork, List.of("node-1"));
        assertRunsAPodIn(m2, secondNetwork); // the other installation is untouched
        p2.delete("node-1");
      }
    }
    leftovers.assertNoneOf(second, secondNetwork, List.of("node-1"));
    new CommandRunner().run("rm", "-rf", "--one-file-system", first.toString(), second.toString());
  }

  private static void assertRunsAPodIn(Machine machine, HostNetwork network) {
    try (CriClient cri = CriClient.connect(machine.runtimeSocket())) {
      var pods = new Pods(machine, cri);
      var pod = pods.run("web-" + System.nanoTime());
      assertThat(network.podNetwork().contains(pod.ip())).as("%s in %s", pod.ip(), network.podNetwork()).isTrue();
      String id = pods.start(pod, "true", "busybox", c -> c.command("true"));
      assertThat(pods.awaitExit(id, Duration.ofSeconds(60)).exitCode()).isZero();
      pods.remove(pod);
    }
  }
}
