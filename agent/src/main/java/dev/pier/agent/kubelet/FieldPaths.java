package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The values of the downward API: {@code fieldRef} paths of the pod and {@code resourceFieldRef}
 * of a container, for env variables and downwardAPI volumes alike.
 */
final class FieldPaths {
  private FieldPaths() {}

  /**
   * @throws IllegalArgumentException for a path the downward API does not offer
   */
  static String field(Pod pod, String path, String nodeName, String nodeIp) {
    var meta = pod.getMetadata();
    if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
      return orEmpty(meta.getLabels()).getOrDefault(path.substring(17, path.length() - 2), "");
    }
    if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
      return orEmpty(meta.getAnnotations()).getOrDefault(path.substring(22, path.length() - 2), "");
    }
    return switch (path) {
      case "metadata.name" -> meta.getName();
      case "metadata.namespace" -> meta.getNamespace();
      case "metadata.uid" -> meta.getUid();
      case "metadata.labels" -> lines(meta.getLabels());
      case "metadata.annotations" -> lines(meta.getAnnotations());
      case "spec.nodeName" -> nodeName;
      case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
      case "status.hostIP" -> nodeIp;
      case "status.hostIPs" -> nodeIp;
      case "status.podIP", "status.podIPs" -> pod.getStatus() == null ? "" : nullToEmpty(pod.getStatus().getPodIP());
      default -> throw new IllegalArgumentException("unsupported fieldRef path " + path);
    };
  }

  /** limits.cpu, requests.memory, ... of {@code container}, divided by the divisor and rounded up as Kubernetes does. */
  static String resource(Container container, ResourceFieldSelector ref, NodeFacts facts) {
    String resource = ref.getResource();
    var resources = container.getResources();
    Map<String, Quantity> limits = resources == null ? Map.of() : orEmpty(resources.getLimits());
    Map<String, Quantity> requests = resources == null ? Map.of() : orEmpty(resources.getRequests());
    BigDecimal value = switch (resource) {
      case "limits.cpu" -> limits.containsKey("cpu") ? amount(limits.get("cpu")) : BigDecimal.valueOf(facts.cpus());
      case "limits.memory" -> limits.containsKey("memory") ? amount(limits.get("memory")) : BigDecimal.valueOf(facts.memoryBytes());
      case "limits.ephemeral-storage" -> limits.containsKey("ephemeral-storage")
          ? amount(limits.get("ephemeral-storage")) : BigDecimal.valueOf(facts.ephemeralStorageBytes());
      case "requests.cpu" -> requests.containsKey("cpu") ? amount(requests.get("cpu")) : BigDecimal.ZERO;
      case "requests.memory" -> requests.containsKey("memory") ? amount(requests.get("memory")) : BigDecimal.ZERO;
      case "requests.ephemeral-storage" -> requests.containsKey("ephemeral-storage") ? amount(requests.get("ephemeral-storage")) : BigDecimal.ZERO;
      default -> throw new IllegalArgumentException("unsupported resourceFieldRef resource " + resource);
    };
    BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : amount(ref.getDivisor());
    if (divisor.signum() == 0) divisor = BigDecimal.ONE;
    return value.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }

  private static BigDecimal amount(Quantity q) {
    return Quantity.getAmountInBytes(q);
  }

  /** Labels and annotations as the downward API writes them: {@code key="value"} lines, sorted. */
  private static String lines(Map<String, String> map) {
    return new TreeMap<>(orEmpty(map)).entrySet().stream()
        .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"")
        .collect(Collectors.joining("\n"));
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
