package dev.pier.agent.cri;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the kubelet asks of a pod sandbox: the pod's identity, its hostname and DNS, host ports,
 * the cgroup its containers live under, and the pod-level namespaces and identity.
 *
 * <p>Namespace defaults are Kubernetes': the network and IPC namespaces belong to the pod, every
 * container has its own PID namespace unless {@code shareProcessNamespace} asks for
 * {@link NamespaceMode#POD}.
 */
public record PodSandboxSpec(
    PodMetadata metadata,
    String hostname,
    String logDirectory,
    DnsConfig dns,
    List<PortMapping> portMappings,
    Map<String, String> labels,
    Map<String, String> annotations,
    String cgroupParent,
    NamespaceMode networkNamespace,
    NamespaceMode pidNamespace,
    NamespaceMode ipcNamespace,
    OptionalLong runAsUser,
    OptionalLong runAsGroup,
    List<Long> supplementalGroups,
    boolean privileged,
    Map<String, String> sysctls) {

  public PodSandboxSpec {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(logDirectory, "logDirectory");
    Objects.requireNonNull(dns, "dns");
    portMappings = List.copyOf(portMappings);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(cgroupParent, "cgroupParent");
    Objects.requireNonNull(networkNamespace, "networkNamespace");
    Objects.requireNonNull(pidNamespace, "pidNamespace");
    Objects.requireNonNull(ipcNamespace, "ipcNamespace");
    Objects.requireNonNull(runAsUser, "runAsUser");
    Objects.requireNonNull(runAsGroup, "runAsGroup");
    supplementalGroups = List.copyOf(supplementalGroups);
    sysctls = Map.copyOf(sysctls);
  }

  public static Builder builder(PodMetadata metadata) {
    return new Builder(metadata);
  }

  /** Builds a {@link PodSandboxSpec}; only the metadata is required. */
  public static final class Builder {
    private final PodMetadata metadata;
    private String hostname;
    private String logDirectory = "";
    private DnsConfig dns = DnsConfig.NODE_DEFAULT;
    private List<PortMapping> portMappings = List.of();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private String cgroupParent = "";
    private NamespaceMode network = NamespaceMode.POD;
    private NamespaceMode pid = NamespaceMode.CONTAINER;
    private NamespaceMode ipc = NamespaceMode.POD;
    private OptionalLong runAsUser = OptionalLong.empty();
    private OptionalLong runAsGroup = OptionalLong.empty();
    private List<Long> supplementalGroups = List.of();
    private boolean privileged;
    private Map<String, String> sysctls = Map.of();

    private Builder(PodMetadata metadata) {
      this.metadata = Objects.requireNonNull(metadata, "metadata");
      this.hostname = metadata.name();
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** The node directory holding the pod's container logs (each container's log path is relative to it). */
    public Builder logDirectory(String logDirectory) {
      this.logDirectory = logDirectory;
      return this;
    }

    public Builder dns(DnsConfig dns) {
      this.dns = dns;
      return this;
    }

    public Builder portMappings(List<PortMapping> portMappings) {
      this.portMappings = portMappings;
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels.putAll(labels);
      return this;
    }

    public Builder annotations(Map<String, String> annotations) {
      this.annotations.putAll(annotations);
      return this;
    }

    /** The cgroup (cgroupfs path, e.g. {@code /pier/node-1/pods/pod<uid>}) the pod's containers go under. */
    public Builder cgroupParent(String cgroupParent) {
      this.cgroupParent = cgroupParent;
      return this;
    }

    public Builder networkNamespace(NamespaceMode mode) {
      this.network = requireNotContainer(mode, "network");
      return this;
    }

    public Builder pidNamespace(NamespaceMode mode) {
      this.pid = mode;
      return this;
    }

    public Builder ipcNamespace(NamespaceMode mode) {
      this.ipc = requireNotContainer(mode, "ipc");
      return this;
    }

    public Builder runAsUser(long uid) {
      this.runAsUser = OptionalLong.of(uid);
      return this;
    }

    public Builder runAsGroup(long gid) {
      this.runAsGroup = OptionalLong.of(gid);
      return this;
    }

    public Builder supplementalGroups(List<Long> groups) {
      this.supplementalGroups = groups;
      return this;
    }

    /** True when any container of the pod is privileged (the sandbox must allow it). */
    public Builder privileged(boolean privileged) {
      this.privileged = privileged;
      return this;
    }

    public Builder sysctls(Map<String, String> sysctls) {
      this.sysctls = sysctls;
      return this;
    }

    public PodSandboxSpec build() {
      return new PodSandboxSpec(metadata, hostname, logDirectory, dns, portMappings, labels,
          annotations, cgroupParent, network, pid, ipc, runAsUser, runAsGroup, supplementalGroups,
          privileged, sysctls);
    }

    private static NamespaceMode requireNotContainer(NamespaceMode mode, String which) {
      if (mode == NamespaceMode.CONTAINER) {
        throw new IllegalArgumentException("the " + which + " namespace is per pod or the node's, not per container");
      }
      return mode;
    }
  }
}
