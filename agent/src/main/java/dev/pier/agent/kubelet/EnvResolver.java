package dev.pier.agent.kubelet;

import dev.pier.agent.cri.EnvVar;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's environment as the kubelet makes it: {@code envFrom} sources first, then
 * {@code env} entries (which win), values resolved from ConfigMaps, Secrets, the downward API and
 * resource fields, and {@code $(VAR)} references expanded against the variables defined before.
 */
final class EnvResolver {
  private final String nodeName;
  private final String nodeIp;
  private final NodeFacts facts;

  EnvResolver(String nodeName, String nodeIp, NodeFacts facts) {
    this.nodeName = nodeName;
    this.nodeIp = nodeIp;
    this.facts = facts;
  }

  List<EnvVar> resolve(Pod pod, Container container, PodObjects objects) throws ContainerConfigException {
    Map<String, String> env = new LinkedHashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        if (from.getConfigMapRef() != null) {
          var ref = from.getConfigMapRef();
          Optional<Map<String, byte[]>> data = objects.configMap(ref.getName());
          if (data.isEmpty()) {
            if (Boolean.TRUE.equals(ref.getOptional())) continue;
            throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
          }
          data.get().forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
        } else if (from.getSecretRef() != null) {
          var ref = from.getSecretRef();
          Optional<Map<String, byte[]>> data = objects.secret(ref.getName());
          if (data.isEmpty()) {
            if (Boolean.TRUE.equals(ref.getOptional())) continue;
            throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
          }
          data.get().forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
        }
      }
    }
    if (container.getEnv() != null) {
      for (var e : container.getEnv()) {
        String value = value(pod, container, e, objects, env);
        if (value != null) env.put(e.getName(), value);
      }
    }
    List<EnvVar> result = new ArrayList<>();
    env.forEach((k, v) -> result.add(new EnvVar(k, v)));
    return result;
  }

  /** The value of one env entry, or null when an optional source is missing. */
  private String value(Pod pod, Container container, io.fabric8.kubernetes.api.model.EnvVar e, PodObjects objects,
      Map<String, String> defined) throws ContainerConfigException {
    var from = e.getValueFrom();
    if (from == null) return Expansion.expand(e.getValue() == null ? "" : e.getValue(), defined);
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Optional<Map<String, byte[]>> data = objects.configMap(ref.getName());
      if (data.isEmpty()) {
        if (optional) return null;
        throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
      }
      byte[] v = data.get().get(ref.getKey());
      if (v == null) {
        if (optional) return null;
        throw new ContainerConfigException("couldn't find key " + ref.getKey() + " in ConfigMap "
            + objects.namespace() + "/" + ref.getName());
      }
      return new String(v, StandardCharsets.UTF_8);
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Optional<Map<String, byte[]>> data = objects.secret(ref.getName());
      if (data.isEmpty()) {
        if (optional) return null;
        throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
      }
      byte[] v = data.get().get(ref.getKey());
      if (v == null) {
        if (optional) return null;
        throw new ContainerConfigException("couldn't find key " + ref.getKey() + " in Secret "
            + objects.namespace() + "/" + ref.getName());
      }
      return new String(v, StandardCharsets.UTF_8);
    }
    try {
      if (from.getFieldRef() != null) return FieldPaths.field(pod, from.getFieldRef().getFieldPath(), nodeName, nodeIp);
      if (from.getResourceFieldRef() != null) {
        Container target = container;
        String named = from.getResourceFieldRef().getContainerName();
        if (named != null && !named.isEmpty()) {
          target = Pods.allContainers(pod).stream().filter(c -> named.equals(c.getName())).findFirst().orElse(container);
        }
        return FieldPaths.resource(target, from.getResourceFieldRef(), facts);
      }
    } catch (IllegalArgumentException ex) {
      throw new ContainerConfigException(ex.getMessage());
    }
    return "";
  }
}
