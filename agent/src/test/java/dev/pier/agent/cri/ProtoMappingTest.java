package dev.pier.agent.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.agent.cri.v1.ContainerMetadata;
import dev.pier.agent.cri.v1.ImageSpec;
import dev.pier.agent.cri.v1.SecurityProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProtoMappingTest {
  private final PodSandboxSpec pod = PodSandboxSpec.builder(new PodMetadata("web", "uid-1", "default", 2))
      .logDirectory("/var/log/pods/default_web_uid-1")
      .cgroupParent("/pier/node/pods/poduid-1")
      .dns(new DnsConfig(List.of("10.96.0.10"), List.of("default.svc.cluster.local"), List.of("ndots:5")))
      .portMappings(List.of(new PortMapping(PortMapping.Protocol.TCP, 80, 8080, "")))
      .label("app", "web")
      .pidNamespace(NamespaceMode.POD)
      .runAsUser(1000)
      .build();

  @Test
  void sandboxConfigCarriesIdentityNetworkAndNamespaces() {
    var config = ProtoMapping.sandboxConfig(pod);
    assertThat(config.getMetadata().getName()).isEqualTo("web");
    assertThat(config.getMetadata().getAttempt()).isEqualTo(2);
    assertThat(config.getHostname()).isEqualTo("web");
    assertThat(config.getLogDirectory()).isEqualTo("/var/log/pods/default_web_uid-1");
    assertThat(config.getDnsConfig().getServersList()).containsExactly("10.96.0.10");
    assertThat(config.getPortMappings(0).getHostPort()).isEqualTo(8080);
    assertThat(config.getLabelsMap()).containsEntry("app", "web");
    assertThat(config.getLinux().getCgroupParent()).isEqualTo("/pier/node/pods/poduid-1");
    var security = config.getLinux().getSecurityContext();
    assertThat(security.getNamespaceOptions().getPid()).isEqualTo(dev.pier.agent.cri.v1.NamespaceMode.POD);
    assertThat(security.getNamespaceOptions().getNetwork()).isEqualTo(dev.pier.agent.cri.v1.NamespaceMode.POD);
    assertThat(security.getRunAsUser().getValue()).isEqualTo(1000);
    assertThat(security.hasRunAsGroup()).isFalse();
  }

  @Test
  void containerConfigCarriesCommandEnvMountsResourcesAndSecurity() {
    var spec = ContainerSpec.builder("main", "sha256:abc")
        .command("sh", "-c")
        .args(List.of("echo hi"))
        .env(List.of(new EnvVar("A", "1")))
        .mounts(List.of(Mount.of("/data/vol", "/vol", true)))
        .logPath("main/0.log")
        .resources(LinuxResources.NONE.withCpu(100_000, 50_000, 512).withMemoryLimit(64 << 20))
        .security(ContainerSecurity.DEFAULT.withRunAs(OptionalLong.of(1000), OptionalLong.of(2000))
            .withCapabilities(List.of("NET_ADMIN"), List.of("ALL"))
            .withNoNewPrivileges(true))
        .build();
    var config = ProtoMapping.containerConfig(spec, pod);
    assertThat(config.getCommandList()).containsExactly("sh", "-c");
    assertThat(config.getArgsList()).containsExactly("echo hi");
    assertThat(config.getEnvs(0).getKey()).isEqualTo("A");
    assertThat(config.getMounts(0).getReadonly()).isTrue();
    assertThat(config.getMounts(0).getPropagation()).isEqualTo(dev.pier.agent.cri.v1.MountPropagation.PROPAGATION_PRIVATE);
    var resources = config.getLinux().getResources();
    assertThat(resources.getCpuQuota()).isEqualTo(50_000);
    assertThat(resources.getMemoryLimitInBytes()).isEqualTo(64 << 20);
    var security = config.getLinux().getSecurityContext();
    assertThat(security.getRunAsGroup().getValue()).isEqualTo(2000);
    assertThat(security.getCapabilities().getDropCapabilitiesList()).containsExactly("ALL");
    assertThat(security.getNoNewPrivs()).isTrue();
    assertThat(security.getMaskedPathsList()).contains("/proc/kcore");
    assertThat(security.getSeccomp().getProfileType()).isEqualTo(SecurityProfile.ProfileType.Unconfined);
    // containers join the sandbox's namespaces
    assertThat(security.getNamespaceOptions().getPid()).isEqualTo(dev.pier.agent.cri.v1.NamespaceMode.POD);
  }

  @Test
  void privilegedContainersAreNotMasked() {
    var security = ContainerSecurity.DEFAULT.withPrivileged(true);
    assertThat(security.maskedPaths()).isEmpty();
    assertThat(security.readOnlyPaths()).isEmpty();
  }

  @Test
  void statusTimesAreNanosecondsAndZeroMeansNotYet() {
    var status = ProtoMapping.containerStatus(dev.pier.agent.cri.v1.ContainerStatus.newBuilder()
        .setId("c1")
        .setMetadata(ContainerMetadata.newBuilder().setName("main").setAttempt(1))
        .setState(dev.pier.agent.cri.v1.ContainerState.CONTAINER_EXITED)
        .setCreatedAt(1_700_000_000_123_456_789L)
        .setStartedAt(1_700_000_001_000_000_000L)
        .setExitCode(137)
        .setReason("OOMKilled")
        .setImage(ImageSpec.newBuilder().setImage("docker.io/library/busybox:latest"))
        .putAllLabels(Map.of("a", "b"))
        .build());
    assertThat(status.state()).isEqualTo(ContainerState.EXITED);
    assertThat(status.createdAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
    assertThat(status.startedAt()).contains(Instant.ofEpochSecond(1_700_000_001L));
    assertThat(status.finishedAt()).isEmpty();
    assertThat(status.reason()).isEqualTo("OOMKilled");
    assertThat(status.exitCode()).isEqualTo(137);
  }

  @Test
  void specsFailFastOnWhatCriCannotExpress() {
    var builder = PodSandboxSpec.builder(new PodMetadata("p", "u", "n", 0));
    assertThatThrownBy(() -> builder.networkNamespace(NamespaceMode.CONTAINER)).hasMessageContaining("network");
    assertThatThrownBy(() -> new Streams(false, false, false, false)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new Streams(true, true, true, true)).hasMessageContaining("tty and stderr");
    assertThatThrownBy(() -> new PodMetadata("p", "u", "n", -1)).hasMessageContaining("negative");
  }
}
