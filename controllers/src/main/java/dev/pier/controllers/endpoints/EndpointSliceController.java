package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static dev.pier.controllers.runtime.Writes.ignoreGone;

/**
 * Keeps the EndpointSlices of every Service with a selector: one endpoint per selected pod with an IP,
 * its conditions (ready, serving, terminating), node and pod reference, grouped into slices of at most
 * {@value #MAX_PER_SLICE} endpoints by address type and resolved ports. A Service without endpoints gets
 * one empty placeholder slice. Services without a selector, and ExternalName Services, are left to their
 * users. Slices carry an owner reference to their Service: the garbage collector removes them with it.
 */
public final class EndpointSliceController implements Reconciler<ObjectKey> {
    public static final String MANAGED_BY = "endpointslice-controller.k8s.io";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
    /** Kubernetes' default --max-endpoints-per-slice. */
    static final int MAX_PER_SLICE = 100;

    private final LocalClient client;
    private final Informer services;
    private final Informer pods;
    private final Informer slices;
    private final WorkQueue<ObjectKey> queue;

    private EndpointSliceController(LocalClient client, Informer services, Informer pods, Informer slices, WorkQueue<ObjectKey> queue) {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.slices = slices;
        this.queue = queue;
    }

    /** The controller, with its informer handlers registered. */
    public static EndpointSliceController create(LocalClient client, Informer services, Informer pods, Informer slices,
                                                 WorkQueue<ObjectKey> queue) {
        EndpointSliceController c = new EndpointSliceController(client, services, pods, slices, queue);
        services.addHandler(EventHandler.onChange((cell, svc) -> queue.add(ObjectKey.of(cell, svc))));
        pods.addHandler(new ServicesOfPods(services, queue));
        slices.addHandler(EventHandler.onChange((cell, slice) -> {
            JsonNode labels = slice.path("metadata").path("labels");
            if (!labels.path(MANAGED_BY_LABEL).asText().equals(MANAGED_BY)) return;
            String service = labels.path(SERVICE_NAME_LABEL).asText("");
            if (!service.isEmpty()) queue.add(new ObjectKey(cell, slice.path("metadata").path("namespace").asText(), service));
        }));
        return c;
    }

    @Override
    public Result sync(ObjectKey key) {
        var found = services.get(key);
        // a deleted Service's slices go with it through their owner reference
        if (found.isEmpty() || Owners.isBeingDeleted(found.get())) return Result.done();
        ObjectNode service = found.get();
        if (!ServicePods.managed(service)) return Result.done();

        List<ObjectNode> existing = new ArrayList<>();
        for (ObjectNode slice : slices.list(key.cell(), key.namespace())) {
            JsonNode labels = slice.path("metadata").path("labels");
            if (labels.path(SERVICE_NAME_LABEL).asText().equals(key.name()) && labels.path(MANAGED_BY_LABEL).asText().equals(MANAGED_BY)) {
                existing.add(slice);
            }
        }
        existing.sort((a, b) -> a.path("metadata").path("name").asText().compareTo(b.path("metadata").path("name").asText()));
        SlicePlan.Writes writes = SlicePlan.plan(desired(service, pods.list(key.cell(), key.namespace())), existing, MAX_PER_SLICE,
                group -> newSlice(service, group));
        if (writes.isEmpty()) return Result.done();

        ResourceClient sliceClient = client.resource(key.cell(), slices.type());
        for (ObjectNode slice : writes.creates()) sliceClient.create(key.namespace(), slice);
        for (ObjectNode slice : writes.updates()) ignoreGone(() -> sliceClient.update(slice));
        for (ObjectNode slice : writes.deletes()) {
            ignoreGone(() -> sliceClient.delete(key.namespace(), slice.path("metadata").path("name").asText(),
                    new DeleteOptions(Owners.uid(slice), "", -1, "", false)));
        }
        return Result.done();
    }

    /** The Service's endpoints grouped by address type and resolved ports; a placeholder per address type when none. */
    static List<SliceGroup> desired(JsonNode service, Iterable<ObjectNode> podsOfNamespace) {
        Map<String, SliceGroup> groups = new LinkedHashMap<>();
        List<String> families = addressTypes(service);
        List<ObjectNode> selected = new ArrayList<>();
        for (ObjectNode pod : podsOfNamespace) if (ServicePods.selects(service, pod) && ServicePods.isEndpoint(pod, true)) selected.add(pod);
        selected.sort((a, b) -> a.path("metadata").path("name").asText().compareTo(b.path("metadata").path("name").asText()));
        for (String family : families) {
            for (ObjectNode pod : selected) {
                String ip = ServicePods.ip(pod, family);
                if (ip == null) continue;
                ArrayNode ports = ports(service, pod);
                SliceGroup group = groups.computeIfAbsent(SliceGroup.key(family, ports), k -> new SliceGroup(family, ports, new ArrayList<>()));
                group.endpoints().add(endpoint(service, pod, ip));
            }
        }
        if (groups.isEmpty()) {
            return families.stream().map(f -> new SliceGroup(f, null, List.of())).toList();
        }
        return List.copyOf(groups.values());
    }

    private static List<String> addressTypes(JsonNode service) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : service.path("spec").path("ipFamilies")) out.add(f.asText());
        return out.isEmpty() ? List.of("IPv4") : out;
    }

    /** The Service's ports as this pod serves them; ports whose named target the pod lacks are left out. */
    private static ArrayNode ports(JsonNode service, JsonNode pod) {
        ArrayNode out = Json.object().arrayNode();
        for (JsonNode sp : service.path("spec").path("ports")) {
            OptionalInt port = ServicePods.targetPort(sp, pod);
            if (port.isEmpty()) continue;
            ObjectNode p = out.addObject();
            p.put("name", sp.path("name").asText(""));
            p.put("port", port.getAsInt());
            p.put("protocol", sp.path("protocol").asText("TCP"));
            if (sp.hasNonNull("appProtocol")) p.put("appProtocol", sp.path("appProtocol").asText());
        }
        return out;
    }

    private static ObjectNode endpoint(JsonNode service, JsonNode pod, String ip) {
        boolean serving = Pods.isReady(pod);
        boolean terminating = Owners.isBeingDeleted(pod);
        // as in Kubernetes: never ready while terminating, unless the Service publishes not-ready addresses
        boolean ready = ServicePods.publishNotReady(service) || serving && !terminating;
        ObjectNode e = Json.object();
        e.putArray("addresses").add(ip);
        ObjectNode conditions = e.putObject("conditions");
        conditions.put("ready", ready);
        conditions.put("serving", serving);
        conditions.put("terminating", terminating);
        String hostname = ServicePods.hostname(pod, service);
        if (hostname != null) e.put("hostname", hostname);
        String node = pod.path("spec").path("nodeName").asText("");
        if (!node.isEmpty()) e.put("nodeName", node);
        ObjectNode ref = e.putObject("targetRef");
        ref.put("kind", "Pod");
        ref.put("namespace", pod.path("metadata").path("namespace").asText());
        ref.put("name", pod.path("metadata").path("name").asText());
        ref.put("uid", Owners.uid(pod));
        return e;
    }

    private static ObjectNode newSlice(JsonNode service, SliceGroup group) {
        ObjectNode slice = Json.object();
        slice.put("apiVersion", "discovery.k8s.io/v1");
        slice.put("kind", "EndpointSlice");
        ObjectNode meta = slice.putObject("metadata");
        String name = service.path("metadata").path("name").asText();
        // Kubernetes trims the prefix so that generated names stay within 63 characters
        meta.put("generateName", (name.length() > 57 ? name.substring(0, 57) : name) + "-");
        meta.put("namespace", service.path("metadata").path("namespace").asText());
        ObjectNode labels = meta.putObject("labels");
        service.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
        labels.put(SERVICE_NAME_LABEL, name);
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        if (ServicePods.headless(service)) labels.put(HEADLESS_LABEL, "");
        meta.putArray("ownerReferences").add(Owners.controllerRef(service));
        slice.put("addressType", group.addressType());
        if (group.ports() != null) slice.set("ports", group.ports());
        return slice;
    }
}
