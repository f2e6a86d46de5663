package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

import static dev.pier.controllers.runtime.Writes.ignoreGone;

/**
 * The legacy Endpoints object of every Service with a selector, named as the Service: the same pods as its
 * EndpointSlices, as subsets of addresses (ready, or not ready) sharing ports. Terminating pods are left out
 * unless the Service publishes not-ready addresses, as in Kubernetes. The Endpoints of a deleted Service are
 * deleted when this controller wrote them (Endpoints have no owner reference to let the garbage collector do it).
 */
public final class EndpointsController implements Reconciler<ObjectKey> {
    private final LocalClient client;
    private final Informer services;
    private final Informer pods;
    private final Informer endpoints;

    private EndpointsController(LocalClient client, Informer services, Informer pods, Informer endpoints) {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
    }

    /** The controller, with its informer handlers registered. */
    public static EndpointsController create(LocalClient client, Informer services, Informer pods, Informer endpoints,
                                             WorkQueue<ObjectKey> queue) {
        EndpointsController c = new EndpointsController(client, services, pods, endpoints);
        services.addHandler(EventHandler.onChange((cell, svc) -> queue.add(ObjectKey.of(cell, svc))));
        pods.addHandler(new ServicesOfPods(services, queue));
        // someone else changed or deleted Endpoints we keep: put them back
        endpoints.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode object) {
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                queue.add(ObjectKey.of(cell, current));
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                queue.add(ObjectKey.of(cell, last));
            }
        });
        return c;
    }

    @Override
    public Result sync(ObjectKey key) {
        ResourceClient client = this.client.resource(key.cell(), endpoints.type());
        var current = endpoints.get(key);
        var found = services.get(key);
        if (found.isEmpty()) {
            if (current.isPresent() && writtenByControllers(current.get())) {
                ignoreGone(() -> client.delete(key.namespace(), key.name(), new DeleteOptions(Owners.uid(current.get()), "", -1, "", false)));
            }
            return Result.done();
        }
        ObjectNode service = found.get();
        if (!ServicePods.managed(service) || Owners.isBeingDeleted(service)) return Result.done();

        ObjectNode labels = Json.object();
        service.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
        if (ServicePods.headless(service)) labels.put(EndpointSliceController.HEADLESS_LABEL, "");
        ArrayNode subsets = subsets(service, pods.list(key.cell(), key.namespace()));

        if (current.isEmpty()) {
            ObjectNode ep = Json.object();
            ep.put("apiVersion", "v1");
            ep.put("kind", "Endpoints");
            ObjectNode meta = ep.putObject("metadata");
            meta.put("name", key.name());
            meta.put("namespace", key.namespace());
            meta.set("labels", labels);
            if (!subsets.isEmpty()) ep.set("subsets", subsets);
            client.create(key.namespace(), ep);
            return Result.done();
        }
        ObjectNode old = current.get();
        JsonNode oldSubsets = old.path("subsets").isArray() ? old.path("subsets") : Json.object().arrayNode();
        if (Json.sameValues(oldSubsets, subsets) && Json.sameValues(old.path("metadata").path("labels").isObject()
                ? old.path("metadata").path("labels") : Json.object(), labels)) {
            return Result.done();
        }
        ObjectNode next = old.deepCopy();
        next.withObject("metadata").set("labels", labels);
        if (subsets.isEmpty()) next.remove("subsets");
        else next.set("subsets", subsets);
        ignoreGone(() -> client.update(next));
        return Result.done();
    }

    private static boolean writtenByControllers(JsonNode ep) {
        for (JsonNode f : ep.path("metadata").path("managedFields")) {
            if (f.path("manager").asText().equals(ControllerManager.FIELD_MANAGER)) return true;
        }
        return false;
    }

    /**
     * Kubernetes' subsets after RepackSubsets: for each resolved port the addresses that serve it, then
     * ports with the same addresses in one subset; addresses sorted by IP, ports by name and number.
     */
    static ArrayNode subsets(JsonNode service, Iterable<ObjectNode> podsOfNamespace) {
        boolean publishNotReady = ServicePods.publishNotReady(service);
        String family = service.path("spec").path("ipFamilies").path(0).asText("IPv4");
        Map<String, ObjectNode> ports = new TreeMap<>(); // port key -> port
        Map<String, Map<String, ObjectNode>> ready = new LinkedHashMap<>(); // port key -> ip/uid -> address
        Map<String, Map<String, ObjectNode>> notReady = new LinkedHashMap<>();
        boolean noPorts = service.path("spec").path("ports").isEmpty();
        for (ObjectNode pod : podsOfNamespace) {
            if (!ServicePods.selects(service, pod) || !ServicePods.isEndpoint(pod, publishNotReady)) continue;
            String ip = ServicePods.ip(pod, family);
            if (ip == null) continue;
            ObjectNode address = address(service, pod, ip);
            boolean isReady = publishNotReady || Pods.isReady(pod);
            String addressKey = ip + "/" + Owners.uid(pod);
            if (noPorts) {
                if (!ServicePods.headless(service)) continue; // a Service without ports has addresses only when headless
                (isReady ? ready : notReady).computeIfAbsent("", k -> new TreeMap<>()).put(addressKey, address);
                continue;
            }
            for (JsonNode sp : service.path("spec").path("ports")) {
                OptionalInt number = ServicePods.targetPort(sp, pod);
                if (number.isEmpty()) continue;
                ObjectNode port = Json.object();
                if (!sp.path("name").asText("").isEmpty()) port.put("name", sp.path("name").asText());
                port.put("port", number.getAsInt());
                port.put("protocol", sp.path("protocol").asText("TCP"));
                if (sp.hasNonNull("appProtocol")) port.put("appProtocol", sp.path("appProtocol").asText());
                String portKey = port.path("name").asText() + "/" + String.format("%05d", number.getAsInt()) + "/" + port.path("protocol").asText();
                ports.putIfAbsent(portKey, port);
                (isReady ? ready : notReady).computeIfAbsent(portKey, k -> new TreeMap<>()).put(addressKey, address);
            }
        }
        // ports with the same addresses share a subset
        Map<String, List<String>> portsByAddresses = new LinkedHashMap<>();
        List<String> portKeys = noPorts ? List.of("") : new ArrayList<>(ports.keySet());
        for (String portKey : portKeys) {
            String signature = ready.getOrDefault(portKey, Map.of()).keySet() + "|" + notReady.getOrDefault(portKey, Map.of()).keySet();
            if (signature.equals("[]|[]")) continue;
            portsByAddresses.computeIfAbsent(signature, k -> new ArrayList<>()).add(portKey);
        }
        ArrayNode subsets = Json.object().arrayNode();
        for (List<String> group : portsByAddresses.values()) {
            ObjectNode subset = subsets.addObject();
            String first = group.getFirst();
            addresses(subset, "addresses", ready.get(first));
            addresses(subset, "notReadyAddresses", notReady.get(first));
            if (!noPorts) {
                ArrayNode ps = subset.putArray("ports");
                group.forEach(k -> ps.add(ports.get(k)));
            }
        }
        return subsets;
    }

    private static void addresses(ObjectNode subset, String field, Map<String, ObjectNode> addresses) {
        if (addresses == null || addresses.isEmpty()) return;
        List<ObjectNode> sorted = new ArrayList<>(addresses.values());
        sorted.sort(Comparator.comparing((ObjectNode a) -> ipOrder(a.path("ip").asText())));
        subset.putArray(field).addAll(sorted);
    }

    /** IPv4 addresses sorted as numbers rather than text (10.0.0.9 before 10.0.0.10). */
    private static String ipOrder(String ip) {
        if (ip.contains(":")) return ip;
        StringBuilder b = new StringBuilder();
        for (String part : ip.split("\\.")) b.append(String.format("%03d", Integer.parseInt(part)));
        return b.toString();
    }

    private static ObjectNode address(JsonNode service, JsonNode pod, String ip) {
        ObjectNode a = Json.object();
        a.put("ip", ip);
        String hostname = ServicePods.hostname(pod, service);
        if (hostname != null) a.put("hostname", hostname);
        String node = pod.path("spec").path("nodeName").asText("");
        if (!node.isEmpty()) a.put("nodeName", node);
        ObjectNode ref = a.putObject("targetRef");
        ref.put("kind", "Pod");
        ref.put("namespace", pod.path("metadata").path("namespace").asText());
        ref.put("name", pod.path("metadata").path("name").asText());
        ref.put("uid", Owners.uid(pod));
        return a;
    }
}
