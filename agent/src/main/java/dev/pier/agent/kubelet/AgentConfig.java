package dev.pier.agent.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code pier agent} needs to know about its node.
 *
 * @param nodeName the Node's name (the machine's name)
 * @param nodeIp the node's address: its InternalIP, the pods' hostIP, where its server listens
 * @param podCidr the node's pod network ({@code spec.podCIDR}); the runtime's CNI hands out its IPs
 * @param clusterCidr the pod network of the whole cluster (every node's podCidr is in it): the Service
 *     proxy masquerades clients from outside it
 * @param serviceCidr where the cluster's Service IPs are
 * @param runtimeSocket containerd's CRI socket
 * @param dataDir the agent's own files: pod volumes, container logs, credentials
 * @param kubeconfig the node's credentials for the API server
 * @param podCgroupParent the cgroup under which every pod gets its own ({@code <parent>/pod<uid>})
 * @param labels extra labels of the Node (node group, zone)
 * @param maxPods how many pods the node accepts ({@code status.capacity.pods})
 * @param maxVolumes how many block volumes of {@code block.pier.dev} the node takes (its CSINode's
 *     {@code allocatable.count}, which the scheduler respects)
 * @param resyncPeriod how often every pod is synced even without a change (volume contents, back-off)
 * @param imageGc when unused images are removed
 * @param clusterDns the cluster DNS Service's addresses that ClusterFirst pods resolve with; empty for none
 *     (then they use the node's resolvers, as the kubelet does without {@code --cluster-dns})
 * @param clusterDomain the cluster's DNS domain, for the pods' search path
 * @param resolvConf the node's resolv.conf: Default pods' resolvers and the search domains every pod adds
 */
public record AgentConfig(
    String nodeName,
    String nodeIp,
    String podCidr,
    String clusterCidr,
    String serviceCidr,
    Path runtimeSocket,
    Path dataDir,
    Path kubeconfig,
    String podCgroupParent,
    Map<String, String> labels,
    int maxPods,
    int maxVolumes,
    Duration resyncPeriod,
    ImageGarbageCollector.Policy imageGc,
    List<String> clusterDns,
    String clusterDomain,
    Path resolvConf) {

  public static final int DEFAULT_MAX_PODS = 110;
  public static final int DEFAULT_MAX_VOLUMES = 32;
  public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(10);
  public static final int KUBELET_PORT = 10250;

  /** The kubelet's defaults: collect above 85% of the image file system, down to 80%, images unused 2 minutes. */
  public static ImageGarbageCollector.Policy imageGcPolicy(int highPercent, int lowPercent, String sandboxImage) {
    return new ImageGarbageCollector.Policy(highPercent, lowPercent, Duration.ofMinutes(2), sandboxImage);
  }

  public AgentConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(nodeIp, "nodeIp");
    Objects.requireNonNull(podCidr, "podCidr");
    Objects.requireNonNull(clusterCidr, "clusterCidr");
    Objects.requireNonNull(serviceCidr, "serviceCidr");
    Objects.requireNonNull(runtimeSocket, "runtimeSocket");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(podCgroupParent, "podCgroupParent");
    labels = Map.copyOf(labels);
    if (maxPods < 1) throw new IllegalArgumentException("maxPods must be positive, was " + maxPods);
    if (maxVolumes < 0) throw new IllegalArgumentException("maxVolumes must not be negative, was " + maxVolumes);
    Objects.requireNonNull(resyncPeriod, "resyncPeriod");
    Objects.requireNonNull(imageGc, "imageGc");
    clusterDns = List.copyOf(clusterDns);
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    Objects.requireNonNull(resolvConf, "resolvConf");
  }

  Path podDir(String uid) {
    return dataDir.resolve("pods").resolve(uid);
  }

  /** The kubelet's log layout: {@code <logs>/<namespace>_<name>_<uid>/<container>/<attempt>.log}. */
  Path podLogDir(String namespace, String name, String uid) {
    return dataDir.resolve("logs").resolve("pods").resolve(namespace + "_" + name + "_" + uid);
  }
}
