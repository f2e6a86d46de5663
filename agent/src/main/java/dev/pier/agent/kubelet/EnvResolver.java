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
        Optional<Map<String, byte[]>> data = Optional.empty();
        if (from.getConfigMapRef() != null) {
          data = source("configmap", from.getConfigMapRef().getName(), from.getConfigMapRef().getOptional(),
              objects.configMap(from.getConfigMapRef().getName()));
        } else if (from.getSecretRef() != null) {
          data = source("secret", from.getSecretRef().getName(), from.getSecretRef().getOptional(),
              objects.secret(from.getSecretRef().getName()));
        }
        data.ifPresent(d -> d.forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8))));
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
      return key("ConfigMap", ref.getName(), ref.getKey(), ref.getOptional(),
          source("configmap", ref.getName(), ref.getOptional(), objects.configMap(ref.getName())), objects);
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      return key("Secret", ref.getName(), ref.getKey(), ref.getOptional(),
          source("secret", ref.getName(), ref.getOptional(), objects.secret(ref.getName())), objects);
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

  /** The object's data; empty when an optional object is missing; an error when a required one is. */
  private static Optional<Map<String, byte[]>> source(String kind, String name, Boolean optional,
      Optional<Map<String, byte[]>> data) throws ContainerConfigException {
    if (data.isEmpty() && !Boolean.TRUE.equals(optional)) {
      throw new ContainerConfigException(kind + " \"" + name + "\" not found");
    }
    return data;
  }

  /** One key's value as text, or null when optional and missing, with the kubelet's message when required. */
  private static String key(String kind, String name, String key, Boolean optional, Optional<Map<String, byte[]>> data,
      PodObjects objects) throws ContainerConfigException {
    byte[] v = data.map(d -> d.get(key)).orElse(null);
    if (v != null) return new String(v, StandardCharsets.UTF_8);
    if (Boolean.TRUE.equals(optional)) return null;
    throw new ContainerConfigException("couldn't find key " + key + " in " + kind + " " + objects.namespace() + "/" + name);
  }
}
