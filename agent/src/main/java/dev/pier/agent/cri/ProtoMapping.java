package dev.pier.agent.cri;

import dev.pier.agent.cri.v1.Capability;
import dev.pier.agent.cri.v1.ContainerConfig;
import dev.pier.agent.cri.v1.ContainerMetadata;
import dev.pier.agent.cri.v1.ContainerStateValue;
import dev.pier.agent.cri.v1.DNSConfig;
import dev.pier.agent.cri.v1.Image;
import dev.pier.agent.cri.v1.ImageSpec;
import dev.pier.agent.cri.v1.Int64Value;
import dev.pier.agent.cri.v1.KeyValue;
import dev.pier.agent.cri.v1.LinuxContainerConfig;
import dev.pier.agent.cri.v1.LinuxContainerResources;
import dev.pier.agent.cri.v1.LinuxContainerSecurityContext;
import dev.pier.agent.cri.v1.LinuxPodSandboxConfig;
import dev.pier.agent.cri.v1.LinuxSandboxSecurityContext;
import dev.pier.agent.cri.v1.NamespaceOption;
import dev.pier.agent.cri.v1.PodIP;
import dev.pier.agent.cri.v1.PodSandbox;
import dev.pier.agent.cri.v1.PodSandboxConfig;
import dev.pier.agent.cri.v1.PodSandboxFilter;
import dev.pier.agent.cri.v1.PodSandboxMetadata;
import dev.pier.agent.cri.v1.PodSandboxStateValue;
import dev.pier.agent.cri.v1.PodSandboxStatus;
import dev.pier.agent.cri.v1.SecurityProfile;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Translates between this package's records and the generated CRI messages, in both directions.
 * Kept apart from the gRPC plumbing so that the mapping reads as one table of fields.
 */
final class ProtoMapping {
  private ProtoMapping() {}

  // ---- to the runtime ----

  static PodSandboxConfig sandboxConfig(PodSandboxSpec s) {
    var security = LinuxSandboxSecurityContext.newBuilder()
        .setNamespaceOptions(namespaces(s))
        .addAllSupplementalGroups(s.supplementalGroups())
        .setPrivileged(s.privileged())
        .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined));
    s.runAsUser().ifPresent(uid -> security.setRunAsUser(Int64Value.newBuilder().setValue(uid)));
    s.runAsGroup().ifPresent(gid -> security.setRunAsGroup(Int64Value.newBuilder().setValue(gid)));
    var b = PodSandboxConfig.newBuilder()
        .setMetadata(metadata(s.metadata()))
        .setHostname(s.hostname())
        .setLogDirectory(s.logDirectory())
        .setDnsConfig(DNSConfig.newBuilder()
            .addAllServers(s.dns().servers())
            .addAllSearches(s.dns().searches())
            .addAllOptions(s.dns().options()))
        .putAllLabels(s.labels())
        .putAllAnnotations(s.annotations())
        .setLinux(LinuxPodSandboxConfig.newBuilder()
            .setCgroupParent(s.cgroupParent())
            .setSecurityContext(security)
            .putAllSysctls(s.sysctls()));
    for (PortMapping p : s.portMappings()) {
      b.addPortMappings(dev.pier.agent.cri.v1.PortMapping.newBuilder()
          .setProtocol(dev.pier.agent.cri.v1.Protocol.valueOf(p.protocol().name()))
          .setContainerPort(p.containerPort())
          .setHostPort(p.hostPort())
          .setHostIp(p.hostIp()));
    }
    return b.build();
  }

  static ContainerConfig containerConfig(ContainerSpec c, PodSandboxSpec sandbox) {
    var sec = c.security();
    var security = LinuxContainerSecurityContext.newBuilder()
        .setNamespaceOptions(namespaces(sandbox))
        .setPrivileged(sec.privileged())
        .setRunAsUsername(sec.runAsUsername())
        .setReadonlyRootfs(sec.readOnlyRootFilesystem())
        .addAllSupplementalGroups(sec.supplementalGroups())
        .setNoNewPrivs(sec.noNewPrivileges())
        .addAllMaskedPaths(sec.maskedPaths())
        .addAllReadonlyPaths(sec.readOnlyPaths())
        .setCapabilities(Capability.newBuilder()
            .addAllAddCapabilities(sec.addCapabilities())
            .addAllDropCapabilities(sec.dropCapabilities()))
        .setSeccomp(SecurityProfile.newBuilder().setProfileType(switch (sec.seccomp()) {
          case UNCONFINED -> SecurityProfile.ProfileType.Unconfined;
          case RUNTIME_DEFAULT -> SecurityProfile.ProfileType.RuntimeDefault;
        }));
    sec.runAsUser().ifPresent(uid -> security.setRunAsUser(Int64Value.newBuilder().setValue(uid)));
    sec.runAsGroup().ifPresent(gid -> security.setRunAsGroup(Int64Value.newBuilder().setValue(gid)));
    var r = c.resources();
    var b = ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(c.name()).setAttempt(c.attempt()))
        .setImage(ImageSpec.newBuilder().setImage(c.image()))
        .addAllCommand(c.command())
        .addAllArgs(c.args())
        .setWorkingDir(c.workingDir())
        .putAllLabels(c.labels())
        .putAllAnnotations(c.annotations())
        .setLogPath(c.logPath())
        .setStdin(c.stdin())
        .setStdinOnce(c.stdinOnce())
        .setTty(c.tty())
        .setLinux(LinuxContainerConfig.newBuilder()
            .setResources(resources(r))
            .setSecurityContext(security));
    for (EnvVar e : c.env()) {
      b.addEnvs(KeyValue.newBuilder().setKey(e.name()).setValue(e.value()));
    }
    for (Mount m : c.mounts()) {
      b.addMounts(dev.pier.agent.cri.v1.Mount.newBuilder()
          .setContainerPath(m.containerPath())
          .setHostPath(m.hostPath())
          .setReadonly(m.readOnly())
          .setPropagation(dev.pier.agent.cri.v1.MountPropagation.valueOf("PROPAGATION_" + m.propagation().name())));
    }
    return b.build();
  }

  static LinuxContainerResources resources(LinuxResources r) {
    return LinuxContainerResources.newBuilder()
        .setCpuPeriod(r.cpuPeriod())
        .setCpuQuota(r.cpuQuota())
        .setCpuShares(r.cpuShares())
        .setMemoryLimitInBytes(r.memoryLimitBytes())
        .setOomScoreAdj(r.oomScoreAdj())
        .build();
  }

  static PodSandboxFilter sandboxFilter(SandboxFilter f) {
    var b = PodSandboxFilter.newBuilder().putAllLabelSelector(f.labels());
    f.id().ifPresent(b::setId);
    f.state().ifPresent(s -> b.setState(PodSandboxStateValue.newBuilder().setState(sandboxState(s))));
    return b.build();
  }

  static dev.pier.agent.cri.v1.ContainerFilter containerFilter(ContainerFilter f) {
    var b = dev.pier.agent.cri.v1.ContainerFilter.newBuilder().putAllLabelSelector(f.labels());
    f.id().ifPresent(b::setId);
    f.sandboxId().ifPresent(b::setPodSandboxId);
    f.state().ifPresent(s -> b.setState(ContainerStateValue.newBuilder()
        .setState(dev.pier.agent.cri.v1.ContainerState.valueOf("CONTAINER_" + s.name()))));
    return b.build();
  }

  private static PodSandboxMetadata metadata(PodMetadata m) {
    return PodSandboxMetadata.newBuilder()
        .setName(m.name()).setUid(m.uid()).setNamespace(m.namespace()).setAttempt(m.attempt())
        .build();
  }

  private static NamespaceOption namespaces(PodSandboxSpec s) {
    return NamespaceOption.newBuilder()
        .setNetwork(namespaceMode(s.networkNamespace()))
        .setPid(namespaceMode(s.pidNamespace()))
        .setIpc(namespaceMode(s.ipcNamespace()))
        .build();
  }

  private static dev.pier.agent.cri.v1.NamespaceMode namespaceMode(NamespaceMode m) {
    return dev.pier.agent.cri.v1.NamespaceMode.valueOf(m.name());
  }

  private static dev.pier.agent.cri.v1.PodSandboxState sandboxState(SandboxState s) {
    return switch (s) {
      case READY -> dev.pier.agent.cri.v1.PodSandboxState.SANDBOX_READY;
      case NOT_READY -> dev.pier.agent.cri.v1.PodSandboxState.SANDBOX_NOTREADY;
    };
  }

  // ---- from the runtime ----

  static Sandbox sandbox(PodSandbox p) {
    return new Sandbox(p.getId(), metadata(p.getMetadata()), sandboxState(p.getState()),
        instant(p.getCreatedAt()), p.getLabelsMap(), p.getAnnotationsMap());
  }

  static SandboxStatus sandboxStatus(PodSandboxStatus p) {
    return new SandboxStatus(p.getId(), metadata(p.getMetadata()), sandboxState(p.getState()),
        instant(p.getCreatedAt()), p.getNetwork().getIp(),
        p.getNetwork().getAdditionalIpsList().stream().map(PodIP::getIp).toList(),
        p.getLabelsMap(), p.getAnnotationsMap());
  }

  static Container container(dev.pier.agent.cri.v1.Container c) {
    return new Container(c.getId(), c.getPodSandboxId(), c.getMetadata().getName(),
        c.getMetadata().getAttempt(), c.getImage().getImage(), c.getImageRef(),
        containerState(c.getState()), instant(c.getCreatedAt()), c.getLabelsMap(),
        c.getAnnotationsMap());
  }

  static ContainerStatus containerStatus(dev.pier.agent.cri.v1.ContainerStatus c) {
    return new ContainerStatus(c.getId(), c.getMetadata().getName(), c.getMetadata().getAttempt(),
        containerState(c.getState()), instant(c.getCreatedAt()), optionalInstant(c.getStartedAt()),
        optionalInstant(c.getFinishedAt()), c.getExitCode(), c.getImage().getImage(),
        c.getImageRef(), c.getReason(), c.getMessage(), c.getLogPath(), c.getLabelsMap(),
        c.getAnnotationsMap());
  }

  static ImageInfo image(Image i) {
    return new ImageInfo(i.getId(), i.getRepoTagsList(), i.getRepoDigestsList(), i.getSize(),
        i.hasUid() ? OptionalLong.of(i.getUid().getValue()) : OptionalLong.empty(),
        i.getUsername(), i.getPinned());
  }

  private static PodMetadata metadata(PodSandboxMetadata m) {
    return new PodMetadata(m.getName(), m.getUid(), m.getNamespace(), m.getAttempt());
  }

  private static SandboxState sandboxState(dev.pier.agent.cri.v1.PodSandboxState s) {
    return s == dev.pier.agent.cri.v1.PodSandboxState.SANDBOX_READY ? SandboxState.READY : SandboxState.NOT_READY;
  }

  private static ContainerState containerState(dev.pier.agent.cri.v1.ContainerState s) {
    return switch (s) {
      case CONTAINER_CREATED -> ContainerState.CREATED;
      case CONTAINER_RUNNING -> ContainerState.RUNNING;
      case CONTAINER_EXITED -> ContainerState.EXITED;
      default -> ContainerState.UNKNOWN;
    };
  }

  /** CRI times are nanoseconds since the epoch. */
  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(0, nanos);
  }

  private static Optional<Instant> optionalInstant(long nanos) {
    return nanos == 0 ? Optional.empty() : Optional.of(instant(nanos));
  }
}
