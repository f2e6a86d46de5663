package dev.pier.agent.kubelet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.RuntimeStatus;
import dev.pier.agent.cri.RuntimeVersion;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the node and keeps its status true: capacity and allocatable, addresses, node info and
 * the conditions. Ready follows the runtime (its RuntimeReady and NetworkReady conditions), the
 * pressure conditions are False, and {@code volumesInUse} lists the volumes the node has mounted or
 * is about to mount ({@link VolumesInUse}). As the kubelet does, the status is written when it
 * changed and otherwise every {@link #REPORT_INTERVAL}, the Lease being the frequent heartbeat.
 *
 * <p>The agent's one writer of the node's status: every write goes through {@link #report}, one at a
 * time, as a merge patch of the fields the agent owns, so that {@code volumesAttached} (the
 * attach/detach controller's) and fields of other writers are never overwritten.
 */
final class NodeRegistration implements VolumesInUse.Reporter {
  private static final Logger log = LoggerFactory.getLogger(NodeRegistration.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration REPORT_INTERVAL = Duration.ofMinutes(1);
  /** What the node keeps for itself and the system: the kubelet's reserved resources. */
  private static final long RESERVED_MEMORY = 100L << 20;
  private static final long RESERVED_MILLICPU = 100;

  private final KubernetesClient client;
  private final CriClient cri;
  private final AgentConfig config;
  private final NodeFacts facts;
  private final VolumesInUse volumesInUse;
  private final Clock clock;
  private NodeStatus lastReported;
  private Instant lastReportTime = Instant.EPOCH;
  private String uid;

  NodeRegistration(KubernetesClient client, CriClient cri, AgentConfig config, NodeFacts facts, VolumesInUse volumesInUse,
      Clock clock) {
    this.client = client;
    this.cri = cri;
    this.config = config;
    this.facts = facts;
    this.volumesInUse = volumesInUse;
    this.clock = clock;
  }

  /** Creates the Node, or takes over the one that exists (an agent restart); returns its uid. */
  String register() {
    Node existing = client.nodes().withName(config.nodeName()).get();
    if (existing == null) {
      Node node = new NodeBuilder()
          .withNewMetadata().withName(config.nodeName()).withLabels(labels()).endMetadata()
          .withNewSpec().withPodCIDR(config.podCidr()).withPodCIDRs(config.podCidr()).endSpec()
          .build();
      try {
        existing = client.nodes().resource(node).create();
        log.info("registered node {} ({}, pods {})", config.nodeName(), config.nodeIp(), config.podCidr());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) throw e;
        existing = client.nodes().withName(config.nodeName()).get();
      }
    } else {
      log.info("node {} already registered: taking it over", config.nodeName());
      existing.getMetadata().getLabels().putAll(labels());
      if (existing.getSpec().getPodCIDR() == null) {
        existing.getSpec().setPodCIDR(config.podCidr());
        existing.getSpec().setPodCIDRs(List.of(config.podCidr()));
      }
      existing = client.nodes().resource(existing).update();
    }
    uid = existing.getMetadata().getUid();
    report(true);
    return uid;
  }

  String uid() {
    return uid;
  }

  /** Writes the status at once unless the API server lists the volumes in use already. */
  @Override
  public synchronized void reportVolumesInUse() {
    if (lastReported != null && Objects.equals(lastReported.getVolumesInUse(), volumesInUse.names())) return;
    report(true);
  }

  /** Writes the status if it changed, or if the last write is older than the report interval. */
  synchronized void report(boolean force) {
    RuntimeStatus runtime;
    RuntimeVersion version;
    try {
      runtime = cri.status();
      version = cri.version();
    } catch (RuntimeException e) {
      runtime = null;
      version = null;
    }
    Node current = client.nodes().withName(config.nodeName()).get();
    if (current == null) {
      log.warn("node {} was deleted: registering it again", config.nodeName());
      register();
      return;
    }
    NodeStatus status = status(current.getStatus(), runtime, version);
    boolean due = Duration.between(lastReportTime, clock.instant()).compareTo(REPORT_INTERVAL) >= 0;
    if (!force && !due && sameIgnoringHeartbeats(status, lastReported)) return;
    client.nodes().withName(config.nodeName()).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), statusPatch(current.getMetadata().getUid(), status));
    if (lastReported == null || !Objects.equals(ready(lastReported), ready(status))) {
      log.info("node {} is {}", config.nodeName(), "True".equals(ready(status)) ? "Ready" : "NotReady: " + readyMessage(status));
    }
    lastReported = status;
    lastReportTime = clock.instant();
  }

  /**
   * The status as a merge patch guarded by the node's uid. An empty {@code volumesInUse} is written as
   * null, which removes the field: the model leaves empty lists out, and a merge patch without the
   * field would keep the last volume listed forever.
   */
  static String statusPatch(String uid, NodeStatus status) {
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("metadata").put("uid", uid);
    ObjectNode s = JSON.valueToTree(status);
    if (status.getVolumesInUse() == null || status.getVolumesInUse().isEmpty()) s.putNull("volumesInUse");
    patch.set("status", s);
    return patch.toString();
  }

  private Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", config.nodeName());
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.putAll(config.labels());
    return labels;
  }

  private NodeStatus status(NodeStatus previous, RuntimeStatus runtime, RuntimeVersion version) {
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("cpu", new Quantity(Integer.toString(facts.cpus())));
    capacity.put("memory", new Quantity((facts.memoryBytes() / 1024) + "Ki"));
    capacity.put("ephemeral-storage", new Quantity((facts.ephemeralStorageBytes() / 1024) + "Ki"));
    capacity.put("pods", new Quantity(Integer.toString(config.maxPods())));
    Map<String, Quantity> allocatable = new LinkedHashMap<>(capacity);
    allocatable.put("cpu", new Quantity(Math.max(0, facts.cpus() * 1000L - RESERVED_MILLICPU) + "m"));
    allocatable.put("memory", new Quantity(Math.max(0, (facts.memoryBytes() - RESERVED_MEMORY) / 1024) + "Ki"));

    NodeStatus s = new NodeStatus();
    s.setCapacity(capacity);
    s.setAllocatable(allocatable);
    s.setAddresses(List.of(new NodeAddress(config.nodeIp(), "InternalIP"), new NodeAddress(config.nodeName(), "Hostname")));
    s.setDaemonEndpoints(new io.fabric8.kubernetes.api.model.NodeDaemonEndpoints(
        new io.fabric8.kubernetes.api.model.DaemonEndpoint(AgentConfig.KUBELET_PORT)));
    var info = new io.fabric8.kubernetes.api.model.NodeSystemInfo();
    info.setArchitecture("amd64");
    info.setOperatingSystem("linux");
    info.setOsImage(facts.osImage());
    info.setKernelVersion(facts.kernelVersion());
    info.setMachineID(facts.machineId());
    info.setSystemUUID(facts.machineId());
    info.setBootID(facts.bootId());
    info.setContainerRuntimeVersion(version == null ? "" : version.runtimeName() + "://" + version.runtimeVersion());
    info.setKubeletVersion(AgentVersion.KUBELET_VERSION);
    info.setKubeProxyVersion(AgentVersion.KUBELET_VERSION);
    s.setNodeInfo(info);
    s.setConditions(conditions(previous, runtime));
    if (previous != null) s.setImages(previous.getImages());
    s.setVolumesInUse(volumesInUse.names());
    return s;
  }

  private List<NodeCondition> conditions(NodeStatus previous, RuntimeStatus runtime) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(condition(previous, now, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"));
    conditions.add(condition(previous, now, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"));
    conditions.add(condition(previous, now, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"));
    if (runtime == null) {
      conditions.add(condition(previous, now, "Ready", "False", "KubeletNotReady", "container runtime is down"));
    } else if (!runtime.runtimeReady() || !runtime.networkReady()) {
      String message = runtime.conditions().stream().filter(c -> !c.status())
          .map(c -> c.type() + "=false reason:" + c.reason() + " message:" + c.message())
          .reduce((a, b) -> a + ", " + b).orElse("runtime not ready");
      conditions.add(condition(previous, now, "Ready", "False", "KubeletNotReady", "container runtime not ready: " + message));
    } else {
      conditions.add(condition(previous, now, "Ready", "True", "KubeletReady", "kubelet is posting ready status"));
    }
    return conditions;
  }

  /** Keeps a condition's transition time while its status stays the same. */
  private static NodeCondition condition(NodeStatus previous, String now, String type, String status, String reason, String message) {
    String transition = now;
    if (previous != null && previous.getConditions() != null) {
      for (NodeCondition c : previous.getConditions()) {
        if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          transition = c.getLastTransitionTime();
        }
      }
    }
    return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastHeartbeatTime(now).withLastTransitionTime(transition).build();
  }

  private static boolean sameIgnoringHeartbeats(NodeStatus a, NodeStatus b) {
    if (b == null) return false;
    return Objects.equals(strip(a), strip(b));
  }

  private static String strip(NodeStatus s) {
    StringBuilder sb = new StringBuilder();
    s.getConditions().forEach(c -> sb.append(c.getType()).append('=').append(c.getStatus()).append(c.getMessage()).append(';'));
    sb.append(s.getCapacity()).append(s.getAllocatable()).append(s.getAddresses()).append(s.getNodeInfo()).append(s.getVolumesInUse());
    return sb.toString();
  }

  private static String ready(NodeStatus s) {
    return s.getConditions().stream().filter(c -> "Ready".equals(c.getType())).map(NodeCondition::getStatus).findFirst().orElse("Unknown");
  }

  private static String readyMessage(NodeStatus s) {
    return s.getConditions().stream().filter(c -> "Ready".equals(c.getType())).map(NodeCondition::getMessage).findFirst().orElse("");
  }
}
