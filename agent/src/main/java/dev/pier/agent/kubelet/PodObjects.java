package dev.pier.agent.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ConfigMaps and Secrets one pod sync reads (for env and volumes), each fetched once per sync
 * so that every container of the pod sees the same version.
 */
final class PodObjects {
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Optional<Map<String, byte[]>>> configMaps = new HashMap<>();
  private final Map<String, Optional<Map<String, byte[]>>> secrets = new HashMap<>();

  PodObjects(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The ConfigMap's data and binaryData as bytes, or empty when it does not exist. */
  Optional<Map<String, byte[]>> configMap(String name) {
    return configMaps.computeIfAbsent(name, n -> {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(n).get();
      if (cm == null) return Optional.empty();
      Map<String, byte[]> data = new LinkedHashMap<>();
      if (cm.getData() != null) cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
      if (cm.getBinaryData() != null) cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
      return Optional.of(data);
    });
  }

  /** The Secret's data (decoded) and stringData, or empty when it does not exist. */
  Optional<Map<String, byte[]>> secret(String name) {
    return secrets.computeIfAbsent(name, n -> {
      Secret s = client.secrets().inNamespace(namespace).withName(n).get();
      if (s == null) return Optional.empty();
      Map<String, byte[]> data = new LinkedHashMap<>();
      if (s.getData() != null) s.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
      if (s.getStringData() != null) s.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
      return Optional.of(data);
    });
  }

  String namespace() {
    return namespace;
  }
}
