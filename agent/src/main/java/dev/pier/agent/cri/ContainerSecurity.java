package dev.pier.agent.cri;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A container's Linux security settings, as the kubelet derives them from the pod's and the
 * container's securityContext.
 *
 * <p>{@link #DEFAULT} carries Kubernetes' default masked and read-only /proc and /sys paths: CRI
 * runtimes apply exactly the lists they are sent, so an empty list would unmask them. Privileged
 * containers get none (the runtime ignores the lists for them).
 */
public record ContainerSecurity(
    OptionalLong runAsUser,
    OptionalLong runAsGroup,
    String runAsUsername,
    List<Long> supplementalGroups,
    boolean readOnlyRootFilesystem,
    boolean privileged,
    List<String> addCapabilities,
    List<String> dropCapabilities,
    boolean noNewPrivileges,
    Seccomp seccomp,
    List<String> maskedPaths,
    List<String> readOnlyPaths) {

  /** Seccomp profile: Kubernetes' default for pods that name none is {@code UNCONFINED}. */
  public enum Seccomp { UNCONFINED, RUNTIME_DEFAULT }

  /** Kubernetes' defaults (pkg/securitycontext): paths no unprivileged container may read, or write. */
  public static final List<String> DEFAULT_MASKED_PATHS = List.of(
      "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
      "/sys/firmware", "/sys/devices/virtual/powercap");
  public static final List<String> DEFAULT_READ_ONLY_PATHS = List.of(
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  public static final ContainerSecurity DEFAULT = new ContainerSecurity(
      OptionalLong.empty(), OptionalLong.empty(), "", List.of(), false, false, List.of(), List.of(),
      false, Seccomp.UNCONFINED, DEFAULT_MASKED_PATHS, DEFAULT_READ_ONLY_PATHS);

  public ContainerSecurity {
    Objects.requireNonNull(runAsUser, "runAsUser");
    Objects.requireNonNull(runAsGroup, "runAsGroup");
    Objects.requireNonNull(runAsUsername, "runAsUsername");
    supplementalGroups = List.copyOf(supplementalGroups);
    addCapabilities = List.copyOf(addCapabilities);
    dropCapabilities = List.copyOf(dropCapabilities);
    Objects.requireNonNull(seccomp, "seccomp");
    maskedPaths = List.copyOf(maskedPaths);
    readOnlyPaths = List.copyOf(readOnlyPaths);
  }

  public ContainerSecurity withRunAs(OptionalLong user, OptionalLong group) {
    return new ContainerSecurity(user, group, runAsUsername, supplementalGroups,
        readOnlyRootFilesystem, privileged, addCapabilities, dropCapabilities, noNewPrivileges,
        seccomp, maskedPaths, readOnlyPaths);
  }

  public ContainerSecurity withReadOnlyRootFilesystem(boolean readOnly) {
    return new ContainerSecurity(runAsUser, runAsGroup, runAsUsername, supplementalGroups, readOnly,
        privileged, addCapabilities, dropCapabilities, noNewPrivileges, seccomp, maskedPaths,
        readOnlyPaths);
  }

  /** Privileged containers see /proc and /sys unmasked. */
  public ContainerSecurity withPrivileged(boolean privileged) {
    return new ContainerSecurity(runAsUser, runAsGroup, runAsUsername, supplementalGroups,
        readOnlyRootFilesystem, privileged, addCapabilities, dropCapabilities, noNewPrivileges,
        seccomp, privileged ? List.of() : DEFAULT_MASKED_PATHS,
        privileged ? List.of() : DEFAULT_READ_ONLY_PATHS);
  }

  /** Capability names as Kubernetes spells them ("NET_ADMIN", or "ALL" to drop all). */
  public ContainerSecurity withCapabilities(List<String> add, List<String> drop) {
    return new ContainerSecurity(runAsUser, runAsGroup, runAsUsername, supplementalGroups,
        readOnlyRootFilesystem, privileged, add, drop, noNewPrivileges, seccomp, maskedPaths,
        readOnlyPaths);
  }

  /** {@code allowPrivilegeEscalation: false} is no_new_privs. */
  public ContainerSecurity withNoNewPrivileges(boolean noNewPrivileges) {
    return new ContainerSecurity(runAsUser, runAsGroup, runAsUsername, supplementalGroups,
        readOnlyRootFilesystem, privileged, addCapabilities, dropCapabilities, noNewPrivileges,
        seccomp, maskedPaths, readOnlyPaths);
  }

  public ContainerSecurity withSupplementalGroups(List<Long> groups) {
    return new ContainerSecurity(runAsUser, runAsGroup, runAsUsername, groups,
        readOnlyRootFilesystem, privileged, addCapabilities, dropCapabilities, noNewPrivileges,
        seccomp, maskedPaths, readOnlyPaths);
  }

  public ContainerSecurity withSeccomp(Seccomp seccomp) {
    return new ContainerSecurity(runAsUser, runAsGroup, runAsUsername, supplementalGroups,
        readOnlyRootFilesystem, privileged, addCapabilities, dropCapabilities, noNewPrivileges,
        seccomp, maskedPaths, readOnlyPaths);
  }
}
