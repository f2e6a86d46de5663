package dev.pier.agent.kubelet;

import dev.pier.agent.cri.ContainerSecurity;
import dev.pier.agent.cri.ContainerSpec;
import dev.pier.agent.cri.EnvVar;
import dev.pier.agent.cri.ImageInfo;
import dev.pier.agent.cri.LinuxResources;
import dev.pier.agent.cri.Mount;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns a pod's container into what CRI runs: command and args with {@code $(VAR)} expanded, the
 * resolved environment, volume mounts (and the pod's hosts file and termination-log file), cgroup
 * settings from requests and limits, and the security context (the container's over the pod's).
 */
final class ContainerConfigs {
  static final long CPU_PERIOD = 100_000;
  private static final long MIN_SHARES = 2;
  private static final long MIN_QUOTA = 1_000;

  private ContainerConfigs() {}

  /** Inputs that come from outside the pod spec. */
  record Context(Pod pod, Map<String, MountedVolume> volumes, Path hostsFile, Path terminationLog, long nodeMemoryBytes) {}

  static ContainerSpec build(Context ctx, Container c, int attempt, String imageRef, ImageInfo image, List<EnvVar> env,
      boolean init) throws ContainerConfigException {
    Map<String, String> vars = new LinkedHashMap<>();
    env.forEach(e -> vars.put(e.name(), e.value()));
    Pod pod = ctx.pod();
    var meta = pod.getMetadata();
    ContainerSpec.Builder b = ContainerSpec.builder(c.getName(), imageRef)
        .attempt(attempt)
        .command(expand(c.getCommand(), vars))
        .args(expand(c.getArgs(), vars))
        .workingDir(c.getWorkingDir() == null ? "" : c.getWorkingDir())
        .env(env)
        .mounts(mounts(ctx, c, vars))
        .label(CriLabels.POD_NAME, meta.getName())
        .label(CriLabels.POD_NAMESPACE, meta.getNamespace())
        .label(CriLabels.POD_UID, meta.getUid())
        .label(CriLabels.CONTAINER_NAME, c.getName())
        .annotations(annotations(pod, attempt, init))
        .logPath(c.getName() + "/" + attempt + ".log")
        .stdin(Boolean.TRUE.equals(c.getStdin()), Boolean.TRUE.equals(c.getStdinOnce()))
        .tty(Boolean.TRUE.equals(c.getTty()))
        .resources(resources(pod, c, ctx.nodeMemoryBytes()))
        .security(security(pod, c, image));
    if (init) b.label(CriLabels.INIT_CONTAINER, "true");
    return b.build();
  }

  private static Map<String, String> annotations(Pod pod, int attempt, boolean init) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(CriLabels.RESTART_COUNT, Integer.toString(attempt));
    a.put(CriLabels.TERMINATION_GRACE, Long.toString(Pods.gracePeriodSeconds(pod)));
    return a;
  }

  private static List<String> expand(List<String> words, Map<String, String> vars) {
    if (words == null) return List.of();
    return words.stream().map(w -> Expansion.expand(w, vars)).toList();
  }

  private static List<Mount> mounts(Context ctx, Container c, Map<String, String> vars) throws ContainerConfigException {
    List<Mount> mounts = new ArrayList<>();
    boolean ownHosts = false;
    if (c.getVolumeMounts() != null) {
      for (VolumeMount vm : c.getVolumeMounts()) {
        MountedVolume volume = ctx.volumes().get(vm.getName());
        if (volume == null) throw new ContainerConfigException("cannot find volume \"" + vm.getName() + "\" to mount into container \"" + c.getName() + "\"");
        Path host = volume.path();
        String sub = subPath(vm, vars);
        if (!sub.isEmpty()) {
          Path target = host.resolve(sub).normalize();
          if (Path.of(sub).isAbsolute() || !target.startsWith(host)) {
            throw new ContainerConfigException("subPath \"" + sub + "\" escapes volume \"" + vm.getName() + "\"");
          }
          try {
            if (!Files.exists(target)) makeSubPath(host, target);
          } catch (IOException e) {
            throw new ContainerConfigException("cannot create subPath \"" + sub + "\": " + e.getMessage());
          }
          host = target;
        }
        if ("/etc/hosts".equals(vm.getMountPath())) ownHosts = true;
        Mount.Propagation propagation = switch (vm.getMountPropagation() == null ? "None" : vm.getMountPropagation()) {
          case "HostToContainer" -> Mount.Propagation.HOST_TO_CONTAINER;
          case "Bidirectional" -> Mount.Propagation.BIDIRECTIONAL;
          default -> Mount.Propagation.PRIVATE;
        };
        boolean readOnly = volume.readOnly() || Boolean.TRUE.equals(vm.getReadOnly());
        mounts.add(new Mount(vm.getMountPath(), host.toString(), readOnly, propagation));
      }
    }
    if (!ownHosts && ctx.hostsFile() != null) mounts.add(Mount.of(ctx.hostsFile().toString(), "/etc/hosts", false));
    if (ctx.terminationLog() != null) {
      String path = c.getTerminationMessagePath() == null ? "/dev/termination-log" : c.getTerminationMessagePath();
      mounts.add(Mount.of(ctx.terminationLog().toString(), path, false));
    }
    return mounts;
  }

  /** {@code subPath}, or {@code subPathExpr} with the container's {@code $(VAR)} expanded; empty for none. */
  static String subPath(VolumeMount vm, Map<String, String> vars) {
    if (vm.getSubPathExpr() != null && !vm.getSubPathExpr().isEmpty()) return Expansion.expand(vm.getSubPathExpr(), vars);
    return vm.getSubPath() == null ? "" : vm.getSubPath();
  }

  /**
   * Creates a missing subPath with the mode of the volume's root, as the kubelet does: on a volume
   * with an fsGroup that keeps the group's write access (the group itself comes from the setgid root).
   */
  private static void makeSubPath(Path volumeRoot, Path target) throws IOException {
    int mode = (Integer) Files.getAttribute(volumeRoot, "unix:mode");
    Path p = volumeRoot;
    for (Path part : volumeRoot.relativize(target)) {
      p = p.resolve(part);
      if (Files.exists(p)) continue;
      Files.createDirectory(p);
      Files.setAttribute(p, "unix:mode", mode & 07777);
    }
  }

  /** cgroup settings as the kubelet computes them, with the OOM score of the pod's QoS class. */
  static LinuxResources resources(Pod pod, Container c, long nodeMemoryBytes) {
    var r = c.getResources();
    Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
    Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
    long shares = MIN_SHARES;
    Quantity cpuRequest = requests.getOrDefault("cpu", limits.get("cpu"));
    if (cpuRequest != null) shares = Math.max(MIN_SHARES, milli(cpuRequest) * 1024 / 1000);
    long quota = 0;
    long period = 0;
    if (limits.containsKey("cpu")) {
      period = CPU_PERIOD;
      quota = Math.max(MIN_QUOTA, milli(limits.get("cpu")) * CPU_PERIOD / 1000);
    }
    long memory = limits.containsKey("memory") ? Quantity.getAmountInBytes(limits.get("memory")).longValue() : 0;
    return new LinuxResources(period, quota, shares, memory, oomScoreAdj(pod, requests, nodeMemoryBytes));
  }

  private static long oomScoreAdj(Pod pod, Map<String, Quantity> requests, long nodeMemoryBytes) {
    String qos = QosClass.of(pod);
    if (qos.equals("Guaranteed")) return -997;
    if (qos.equals("BestEffort")) return 1000;
    long request = requests.containsKey("memory") ? Quantity.getAmountInBytes(requests.get("memory")).longValue() : 0;
    long adj = 1000 - (nodeMemoryBytes <= 0 ? 0 : 1000 * request / nodeMemoryBytes);
    return Math.max(2, Math.min(999, adj));
  }

  private static long milli(Quantity q) {
    return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).longValue();
  }

  private static ContainerSecurity security(Pod pod, Container c, ImageInfo image) throws ContainerConfigException {
    PodSecurityContext ps = pod.getSpec().getSecurityContext();
    SecurityContext cs = c.getSecurityContext();
    OptionalLong user = first(cs == null ? null : cs.getRunAsUser(), ps == null ? null : ps.getRunAsUser());
    OptionalLong group = first(cs == null ? null : cs.getRunAsGroup(), ps == null ? null : ps.getRunAsGroup());
    boolean nonRoot = Boolean.TRUE.equals(cs != null && cs.getRunAsNonRoot() != null ? cs.getRunAsNonRoot()
        : ps == null ? null : ps.getRunAsNonRoot());
    if (nonRoot) verifyNonRoot(pod, c, user, image);

    ContainerSecurity s = ContainerSecurity.DEFAULT.withRunAs(user, group);
    List<Long> groups = new ArrayList<>();
    if (ps != null && ps.getSupplementalGroups() != null) groups.addAll(ps.getSupplementalGroups());
    if (ps != null && ps.getFsGroup() != null) groups.add(ps.getFsGroup());
    if (!groups.isEmpty()) s = s.withSupplementalGroups(groups);
    if (cs != null) {
      if (Boolean.TRUE.equals(cs.getPrivileged())) s = s.withPrivileged(true);
      if (Boolean.TRUE.equals(cs.getReadOnlyRootFilesystem())) s = s.withReadOnlyRootFilesystem(true);
      Capabilities caps = cs.getCapabilities();
      if (caps != null) {
        s = s.withCapabilities(caps.getAdd() == null ? List.of() : caps.getAdd(),
            caps.getDrop() == null ? List.of() : caps.getDrop());
      }
      if (Boolean.FALSE.equals(cs.getAllowPrivilegeEscalation())) s = s.withNoNewPrivileges(true);
      if (cs.getSeccompProfile() != null && "RuntimeDefault".equals(cs.getSeccompProfile().getType())) {
        s = s.withSeccomp(ContainerSecurity.Seccomp.RUNTIME_DEFAULT);
      }
    }
    if ((cs == null || cs.getSeccompProfile() == null) && ps != null && ps.getSeccompProfile() != null
        && "RuntimeDefault".equals(ps.getSeccompProfile().getType())) {
      s = s.withSeccomp(ContainerSecurity.Seccomp.RUNTIME_DEFAULT);
    }
    return s;
  }

  /** The kubelet's check: under runAsNonRoot the container must provably not run as uid 0. */
  private static void verifyNonRoot(Pod pod, Container c, OptionalLong user, ImageInfo image) throws ContainerConfigException {
    String where = "(pod: \"" + Pods.fullName(pod) + "\", container: " + c.getName() + ")";
    if (user.isPresent()) {
      if (user.getAsLong() == 0) throw new ContainerConfigException("container's runAsUser breaks non-root policy " + where);
      return;
    }
    if (image != null && image.uid().isPresent()) {
      if (image.uid().getAsLong() == 0) throw new ContainerConfigException("container has runAsNonRoot and image will run as root " + where);
      return;
    }
    if (image != null && !image.username().isEmpty() && !image.username().equals("root")) {
      throw new ContainerConfigException("container has runAsNonRoot and image has non-numeric user ("
          + image.username() + "), cannot verify user is non-root " + where);
    }
    throw new ContainerConfigException("container has runAsNonRoot and image will run as root " + where);
  }

  private static OptionalLong first(Long a, Long b) {
    if (a != null) return OptionalLong.of(a);
    if (b != null) return OptionalLong.of(b);
    return OptionalLong.empty();
  }
}
