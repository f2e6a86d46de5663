package dev.pier.agent.kubelet;

import dev.pier.agent.cri.NamespaceMode;
import dev.pier.agent.cri.PodMetadata;
import dev.pier.agent.cri.PodSandboxSpec;
import dev.pier.agent.cri.PortMapping;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's sandbox as CRI wants it: identity and labels, hostname, log directory, DNS, host ports,
 * its own cgroup under the node's pod cgroup, its namespaces and pod-level security. Built the same
 * way each time from the pod, since CRI asks for it again with every container it creates.
 */
final class SandboxConfigs {
  private SandboxConfigs() {}

  static PodSandboxSpec build(Pod pod, int attempt, AgentConfig config) {
    var meta = pod.getMetadata();
    var spec = pod.getSpec();
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    PodSandboxSpec.Builder b = PodSandboxSpec.builder(new PodMetadata(meta.getName(), meta.getUid(), meta.getNamespace(), attempt))
        .hostname(hostname(pod, config))
        .logDirectory(config.podLogDir(meta.getNamespace(), meta.getName(), meta.getUid()).toString())
        .dns(PodDns.of(pod, config))
        .portMappings(portMappings(pod))
        .labels(labels(pod))
        .annotations(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations())
        .cgroupParent(config.podCgroupParent() + "/pod" + meta.getUid())
        .networkNamespace(hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD)
        .pidNamespace(Boolean.TRUE.equals(spec.getHostPID()) ? NamespaceMode.NODE
            : Boolean.TRUE.equals(spec.getShareProcessNamespace()) ? NamespaceMode.POD : NamespaceMode.CONTAINER)
        .ipcNamespace(Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD)
        .privileged(Pods.allContainers(pod).stream()
            .anyMatch(c -> c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged())));
    var psc = spec.getSecurityContext();
    if (psc != null) {
      if (psc.getRunAsUser() != null) b.runAsUser(psc.getRunAsUser());
      if (psc.getRunAsGroup() != null) b.runAsGroup(psc.getRunAsGroup());
      List<Long> groups = new ArrayList<>();
      if (psc.getSupplementalGroups() != null) groups.addAll(psc.getSupplementalGroups());
      if (psc.getFsGroup() != null) groups.add(psc.getFsGroup());
      b.supplementalGroups(groups);
      if (psc.getSysctls() != null) {
        Map<String, String> sysctls = new LinkedHashMap<>();
        psc.getSysctls().forEach(s -> sysctls.put(s.getName(), s.getValue()));
        b.sysctls(sysctls);
      }
    }
    return b.build();
  }

  static Map<String, String> labels(Pod pod) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (pod.getMetadata().getLabels() != null) labels.putAll(pod.getMetadata().getLabels());
    labels.put(CriLabels.POD_NAME, pod.getMetadata().getName());
    labels.put(CriLabels.POD_NAMESPACE, pod.getMetadata().getNamespace());
    labels.put(CriLabels.POD_UID, pod.getMetadata().getUid());
    return labels;
  }

  static String hostname(Pod pod, AgentConfig config) {
    if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) return config.nodeName();
    String h = pod.getSpec().getHostname();
    if (h == null || h.isEmpty()) h = pod.getMetadata().getName();
    // a hostname is at most 63 characters; Kubernetes cuts longer pod names and any trailing '-' or '.'
    if (h.length() > 63) h = h.substring(0, 63).replaceAll("[-.]+$", "");
    return h;
  }

  private static List<PortMapping> portMappings(Pod pod) {
    List<PortMapping> mappings = new ArrayList<>();
    for (Container c : Pods.allContainers(pod)) {
      if (c.getPorts() == null) continue;
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() == null || p.getHostPort() == 0) continue;
        PortMapping.Protocol protocol = PortMapping.Protocol.valueOf(p.getProtocol() == null ? "TCP" : p.getProtocol());
        mappings.add(new PortMapping(protocol, p.getContainerPort(), p.getHostPort(), p.getHostIP() == null ? "" : p.getHostIP()));
      }
    }
    return mappings;
  }
}
