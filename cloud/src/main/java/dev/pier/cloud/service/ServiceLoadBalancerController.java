package dev.pier.cloud.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.cloud.loadbalancer.LoadBalancerException;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions;
import dev.pier.cloud.loadbalancer.LoadBalancerProvider;
import dev.pier.cloud.loadbalancer.LoadBalancerSpec;
import dev.pier.cloud.loadbalancer.LoadBalancerStatus;
import dev.pier.cloud.machine.Cidr;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' service controller for every cell: gives each Service of type LoadBalancer a load
 * balancer from a {@link LoadBalancerProvider} and writes its address to
 * {@code status.loadBalancer.ingress}.
 *
 * <p>A Service it serves carries the finalizer {@value #FINALIZER}, so that deleting the Service
 * (or changing its type) always reaches {@link #sync} and removes the load balancer before the
 * finalizer goes. Backends are the cell's Ready nodes' InternalIPs, less the nodes labelled
 * {@value #EXCLUDE_LABEL}; node changes that change that list re-sync the cell's load balancers.
 * Ports of protocols the provider cannot serve and bad {@code loadbalancer.pier.dev/} annotations
 * are reported as Warning Events; with a bad annotation the load balancer keeps the options it
 * last had (the provider's own record), so a typo never takes a working load balancer apart.
 *
 * <p>Load balancers are named {@code <cell>.<namespace>.<service>}: names are DNS labels, so the
 * name cannot be shared by two Services of any clusters.
 */
final class ServiceLoadBalancerController implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(ServiceLoadBalancerController.class);
  static final String FINALIZER = "service.kubernetes.io/load-balancer-cleanup";
  static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
  static final String COMPONENT = "service-controller";

  private final LocalClient client;
  private final Informer services;
  private final Informer nodes;
  private final EventRecorder events;
  private final LoadBalancerProvider provider;
  /** Per Service, the warnings already recorded for its current state: a re-sync does not repeat them. */
  private final Map<ObjectKey, Set<String>> warned = new ConcurrentHashMap<>();

  private ServiceLoadBalancerController(LocalClient client, Informer services, Informer nodes, EventRecorder events,
      LoadBalancerProvider provider) {
    this.client = client;
    this.services = services;
    this.nodes = nodes;
    this.events = events;
    this.provider = provider;
  }

  /** The controller, with its handlers on the services and nodes informers registered. */
  static ServiceLoadBalancerController create(LocalClient client, Informer services, Informer nodes, EventRecorder events,
      WorkQueue<ObjectKey> queue, LoadBalancerProvider provider) {
    // a Service with the finalizer is enqueued also once it is no LoadBalancer any more, or deleted
    services.addHandler(EventHandler.onChange((cell, svc) -> {
      if (isLoadBalancer(svc) || hasFinalizer(svc)) queue.add(ObjectKey.of(cell, svc));
    }));
    nodes.addHandler(new EventHandler() {
      @Override
      public void onAdd(String cell, ObjectNode node) {
        if (backendAddress(node).isPresent()) resyncCell(cell);
      }

      @Override
      public void onUpdate(String cell, ObjectNode old, ObjectNode node) {
        if (!backendAddress(old).equals(backendAddress(node))) resyncCell(cell);
      }

      @Override
      public void onDelete(String cell, ObjectNode last) {
        if (backendAddress(last).isPresent()) resyncCell(cell);
      }

      private void resyncCell(String cell) {
        for (ObjectNode svc : services.listCell(cell)) {
          if (isLoadBalancer(svc)) queue.add(ObjectKey.of(cell, svc));
        }
      }
    });
    return new ServiceLoadBalancerController(client, services, nodes, events, provider);
  }

  /** The provider's name of a Service's load balancer. */
  static String loadBalancerName(ObjectKey key) {
    return key.cell() + "." + key.namespace() + "." + key.name();
  }

  @Override
  public Result sync(ObjectKey key) {
    Optional<ObjectNode> cached = services.get(key);
    String name = loadBalancerName(key);
    if (cached.isEmpty()) {
      provider.delete(name); // gone without passing through here (its cell deleted): nothing may stay
      warned.remove(key);
      return Result.done();
    }
    ObjectNode svc = cached.get();
    if (!isLoadBalancer(svc) || svc.path("metadata").hasNonNull("deletionTimestamp")) {
      cleanUp(key, svc, name);
      return Result.done();
    }
    if (!hasFinalizer(svc)) {
      ObjectNode copy = svc.deepCopy();
      ObjectNode meta = (ObjectNode) copy.get("metadata");
      if (!meta.path("finalizers").isArray()) meta.putArray("finalizers");
      ((ArrayNode) meta.get("finalizers")).add(FINALIZER);
      svc = serviceClient(key).update(copy);
    }
    return ensure(key, svc, name);
  }

  private Result ensure(ObjectKey key, ObjectNode svc, String name) {
    Set<String> warnings = new java.util.LinkedHashSet<>();
    Optional<LoadBalancerStatus> current = provider.status(name);
    LoadBalancerOptions options = options(svc, current, warnings);
    List<Cidr> sourceRanges = sourceRanges(svc, current, warnings);
    List<LoadBalancerSpec.Port> ports = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (JsonNode p : svc.path("spec").path("ports")) {
      String protocol = p.path("protocol").asText("TCP");
      int port = p.path("port").asInt();
      if (!provider.protocols().contains(protocol)) {
        refused.add(port + "/" + protocol);
      } else if (p.path("nodePort").asInt(0) == 0) {
        warnings.add("SyncLoadBalancerFailed|port " + port + " has no nodePort (spec.allocateLoadBalancerNodePorts is false): "
            + "the load balancer forwards to node ports, so it does not serve this port");
      } else {
        ports.add(new LoadBalancerSpec.Port(protocol, port, p.path("nodePort").asInt()));
      }
    }
    if (!refused.isEmpty()) {
      warnings.add("UnsupportedProtocol|the load balancer serves " + String.join(", ", provider.protocols().stream().sorted().toList())
          + " only; ports " + String.join(", ", refused) + " are not served");
    }
    try {
      if (ports.isEmpty()) {
        provider.delete(name);
        setIngress(key, svc, Optional.empty());
        return Result.done();
      }
      String requested = svc.path("spec").path("loadBalancerIP").asText("");
      var spec = new LoadBalancerSpec(name, requested.isEmpty() ? Optional.empty() : Optional.of(requested), ports,
          backends(key.cell()), sourceRanges, options);
      boolean changed = current.isEmpty() || !current.get().spec().equals(spec);
      LoadBalancerStatus status = provider.ensure(spec);
      if (changed) events.normal(key.cell(), svc, COMPONENT, "EnsuredLoadBalancer", "Ensured load balancer " + status.ip());
      setIngress(key, svc, Optional.of(status.ip()));
      return Result.done();
    } catch (LoadBalancerException e) {
      warnings.add("SyncLoadBalancerFailed|Error syncing load balancer: " + e.getMessage());
      throw e; // retried with back-off; an address may come free, HAProxy may come back
    } finally {
      warnOnce(key, svc, warnings);
    }
  }

  private LoadBalancerOptions options(ObjectNode svc, Optional<LoadBalancerStatus> current, Set<String> warnings) {
    Map<String, String> annotations = new LinkedHashMap<>();
    svc.path("metadata").path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
    var parsed = LoadBalancerAnnotations.parse(annotations);
    if (parsed.problems().isEmpty()) return parsed.options();
    parsed.problems().forEach(p -> warnings.add("InvalidLoadBalancerAnnotation|" + p.message()));
    return current.map(c -> c.spec().options()).orElse(LoadBalancerOptions.DEFAULTS);
  }

  private List<Cidr> sourceRanges(ObjectNode svc, Optional<LoadBalancerStatus> current, Set<String> warnings) {
    List<Cidr> ranges = new ArrayList<>();
    for (JsonNode r : svc.path("spec").path("loadBalancerSourceRanges")) {
      try {
        ranges.add(Cidr.parse(r.asText().strip()));
      } catch (IllegalArgumentException bad) {
        warnings.add("InvalidLoadBalancerSourceRanges|spec.loadBalancerSourceRanges has \"" + r.asText()
            + "\", which is not an IPv4 CIDR such as 203.0.113.0/24; the load balancer keeps its last good source ranges");
        return current.map(c -> c.spec().sourceRanges()).orElse(List.of());
      }
    }
    return ranges;
  }

  /** The addresses of the cell's nodes that take load balancer traffic. */
  private List<String> backends(String cell) {
    return nodes.listCell(cell).stream().map(ServiceLoadBalancerController::backendAddress).flatMap(Optional::stream).sorted().toList();
  }

  static Optional<String> backendAddress(JsonNode node) {
    if (node.path("metadata").path("labels").has(EXCLUDE_LABEL)) return Optional.empty();
    boolean ready = false;
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) ready = c.path("status").asText().equals("True");
    }
    if (!ready) return Optional.empty();
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals("InternalIP")) return Optional.of(a.path("address").asText());
    }
    return Optional.empty();
  }

  /** Not (or no longer) a load balancer: remove it, its address from the status and the finalizer. */
  private void cleanUp(ObjectKey key, ObjectNode svc, String name) {
    boolean had = provider.status(name).isPresent();
    provider.delete(name);
    warned.remove(key);
    if (had) events.normal(key.cell(), svc, COMPONENT, "DeletedLoadBalancer", "Deleted load balancer");
    if (!isLoadBalancer(svc)) svc = setIngress(key, svc, Optional.empty());
    if (hasFinalizer(svc)) {
      ObjectNode copy = svc.deepCopy();
      ArrayNode finalizers = (ArrayNode) copy.path("metadata").path("finalizers");
      for (int i = finalizers.size() - 1; i >= 0; i--) {
        if (finalizers.get(i).asText().equals(FINALIZER)) finalizers.remove(i);
      }
      serviceClient(key).update(copy);
      log.debug("removed the load balancer finalizer of service {}", key);
    }
  }

  /** Writes {@code status.loadBalancer} through the status subresource if it differs; returns the Service as stored. */
  private ObjectNode setIngress(ObjectKey key, ObjectNode svc, Optional<String> ip) {
    ObjectNode wanted = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    ip.ifPresent(a -> wanted.putArray("ingress").addObject().put("ip", a).put("ipMode", "VIP"));
    JsonNode stored = svc.path("status").path("loadBalancer");
    if (Objects.equals(stored.path("ingress"), wanted.path("ingress")) || stored.path("ingress").isEmpty() && ip.isEmpty()) return svc;
    ObjectNode copy = svc.deepCopy();
    if (!copy.path("status").isObject()) copy.putObject("status");
    ((ObjectNode) copy.get("status")).set("loadBalancer", wanted);
    return serviceClient(key).updateStatus(copy);
  }

  /** Records each warning ("reason|message") once for as long as the Service keeps having it. */
  private void warnOnce(ObjectKey key, ObjectNode svc, Set<String> warnings) {
    Set<String> before = warned.getOrDefault(key, Set.of());
    for (String w : warnings) {
      if (before.contains(w)) continue;
      int bar = w.indexOf('|');
      events.warning(key.cell(), svc, COMPONENT, w.substring(0, bar), w.substring(bar + 1));
    }
    if (warnings.isEmpty()) warned.remove(key);
    else warned.put(key, Set.copyOf(warnings));
  }

  private ResourceClient serviceClient(ObjectKey key) {
    return client.resource(key.cell(), services.type());
  }

  static boolean isLoadBalancer(JsonNode svc) {
    // a Service naming another loadBalancerClass belongs to that class's controller
    return svc.path("spec").path("type").asText().equals("LoadBalancer") && svc.path("spec").path("loadBalancerClass").asText("").isEmpty();
  }

  static boolean hasFinalizer(JsonNode svc) {
    for (JsonNode f : svc.path("metadata").path("finalizers")) {
      if (f.asText().equals(FINALIZER)) return true;
    }
    return false;
  }
}
