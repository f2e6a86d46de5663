package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.testing.TestApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EndpointSlice and Endpoints controllers' syncs against a real in-process API: pods get their IPs
 * and readiness by status writes, as a kubelet would report them.
 */
class EndpointControllersTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;
    private TestApi api;
    private Informer slices;
    private Informer endpoints;
    private WorkQueue<ObjectKey> sliceQueue;
    private WorkQueue<ObjectKey> endpointsQueue;
    private EndpointSliceController sliceController;
    private EndpointsController endpointsController;

    @BeforeEach
    void start() {
        api = new TestApi(dir);
        Informer services = api.informer("", "services");
        Informer pods = api.informer("", "pods");
        slices = api.informer("discovery.k8s.io", "endpointslices");
        endpoints = api.informer("", "endpoints");
        sliceQueue = new WorkQueue<>("endpoint_slice", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        endpointsQueue = new WorkQueue<>("endpoint", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        sliceController = EndpointSliceController.create(api.client, services, pods, slices, sliceQueue);
        endpointsController = EndpointsController.create(api.client, services, pods, endpoints, endpointsQueue);
        api.start();
    }

    @AfterEach
    void stop() {
        sliceQueue.close();
        endpointsQueue.close();
        api.close();
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectKey key(String name) {
        return new ObjectKey(TestApi.CELL, "default", name);
    }

    private void sync(String service) {
        sliceController.sync(key(service));
        api.settle();
        endpointsController.sync(key(service));
        api.settle();
    }

    private void service(String name, String spec) {
        api.create("", "services", yaml("""
                apiVersion: v1
                kind: Service
                metadata: {name: %s, labels: {team: blue}}
                spec:
                %s
                """.formatted(name, spec.indent(2).stripTrailing())));
    }

    /** A pod on node-1 with a container port named http on {@code httpPort}, reported running with {@code ip}. */
    private ObjectNode pod(String name, String app, int httpPort, String ip, boolean ready) {
        ObjectNode pod = api.create("", "pods", yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, labels: {app: %s}}
                spec:
                  nodeName: node-1
                  containers: [{name: c, image: nginx, ports: [{name: http, containerPort: %d}]}]
                """.formatted(name, app, httpPort)));
        if (ip == null) return pod;
        return report(pod, ip, ready);
    }

    private ObjectNode report(ObjectNode pod, String ip, boolean ready) {
        ObjectNode next = api.resource("", "pods").get("default", pod.path("metadata").path("name").asText()).deepCopy();
        ObjectNode status = next.withObject("status");
        status.put("phase", "Running");
        status.put("podIP", ip);
        status.putArray("podIPs").addObject().put("ip", ip);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
        ObjectNode updated = api.resource("", "pods").updateStatus(next);
        api.settle();
        return updated;
    }

    private List<ObjectNode> slicesOf(String service) {
        return slices.list(TestApi.CELL, "default").stream()
                .filter(s -> s.path("metadata").path("labels").path("kubernetes.io/service-name").asText().equals(service))
                .sorted(Comparator.comparing(s -> s.path("metadata").path("name").asText()))
                .toList();
    }

    /** Every endpoint of the service's slices: address → port list text. */
    private Map<String, String> portsByAddress(String service) {
        Map<String, String> out = new TreeMap<>();
        for (ObjectNode s : slicesOf(service)) {
            for (JsonNode e : s.path("endpoints")) out.put(e.path("addresses").path(0).asText(), s.path("ports").toString());
        }
        return out;
    }

    private static JsonNode endpoint(List<ObjectNode> slices, String ip) {
        for (ObjectNode s : slices) for (JsonNode e : s.path("endpoints")) if (e.path("addresses").path(0).asText().equals(ip)) return e;
        throw new AssertionError("no endpoint " + ip);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void slicesFollowPodsWithTheirConditionsAndNamedPorts() {
        service("web", "selector: {app: web}\nports: [{name: http, port: 80, targetPort: http}]");
        sync("web");
        List<ObjectNode> placeholder = slicesOf("web");
        assertThat(placeholder).hasSize(1);
        assertThat(placeholder.getFirst().path("endpoints")).isEmpty();
        assertThat(placeholder.getFirst().has("ports")).isFalse();
        ObjectNode svc = api.resource("", "services").get("default", "web");
        assertThat(Owners.isControlledBy(placeholder.getFirst(), Owners.uid(svc))).isTrue();
        assertThat(placeholder.getFirst().path("metadata").path("labels").path("endpointslice.kubernetes.io/managed-by").asText())
                .isEqualTo("endpointslice-controller.k8s.io");
        assertThat(placeholder.getFirst().path("metadata").path("labels").path("team").asText()).isEqualTo("blue");

        ObjectNode a = pod("web-a", "web", 8080, "10.244.1.2", true);
        pod("web-b", "web", 8080, "10.244.1.3", false);
        pod("web-c", "web", 9090, "10.244.1.4", true);
        pod("web-pending", "web", 8080, null, false); // no IP yet: no endpoint
        pod("other", "db", 8080, "10.244.1.9", true);
        sync("web");

        // two port shapes: two slices, the placeholder reused for one of them
        assertThat(portsByAddress("web")).containsOnlyKeys("10.244.1.2", "10.244.1.3", "10.244.1.4");
        assertThat(portsByAddress("web").get("10.244.1.2")).contains("8080").isEqualTo(portsByAddress("web").get("10.244.1.3"));
        assertThat(portsByAddress("web").get("10.244.1.4")).contains("9090");
        assertThat(slicesOf("web")).hasSize(2).anyMatch(s -> s.path("metadata").path("name").equals(placeholder.getFirst().path("metadata").path("name")));

        JsonNode ready = endpoint(slicesOf("web"), "10.244.1.2");
        assertThat(ready.path("conditions").toString()).isEqualTo("{\"ready\":true,\"serving\":true,\"terminating\":false}");
        assertThat(ready.path("nodeName").asText()).isEqualTo("node-1");
        assertThat(ready.path("targetRef").path("name").asText()).isEqualTo("web-a");
        assertThat(ready.path("targetRef").path("uid").asText()).isEqualTo(Owners.uid(a));
        assertThat(endpoint(slicesOf("web"), "10.244.1.3").path("conditions").path("ready").asBoolean()).isFalse();

        // graceful deletion: still there, terminating, serving but not ready
        api.resource("", "pods").delete("default", "web-a", new DeleteOptions("", "", 30, "", false));
        api.settle();
        sync("web");
        JsonNode terminating = endpoint(slicesOf("web"), "10.244.1.2");
        assertThat(terminating.path("conditions").toString()).isEqualTo("{\"ready\":false,\"serving\":true,\"terminating\":true}");

        // legacy Endpoints: terminating pod left out, not-ready pod listed apart, one subset per port shape
        ObjectNode ep = endpoints.get(key("web")).orElseThrow();
        assertThat(ep.path("metadata").path("labels").path("team").asText()).isEqualTo("blue");
        assertThat(ep.path("subsets")).hasSize(2);
        assertThat(ep.path("subsets").toString()).doesNotContain("10.244.1.2")
                .contains("\"notReadyAddresses\":[{\"ip\":\"10.244.1.3\"");
    }

    @Test
    void atMostOneHundredEndpointsPerSliceAndOnlyTheChangedSliceIsWritten() {
        service("many", "selector: {app: many}\nports: [{port: 80}]");
        for (int i = 0; i < 250; i++) pod("p" + i, "many", 80, "10.244." + (i / 200 + 2) + "." + (i % 200 + 1), true);
        sync("many");
        List<ObjectNode> before = slicesOf("many");
        assertThat(before).extracting(s -> s.path("endpoints").size()).containsExactlyInAnyOrder(100, 100, 50);

        api.resource("", "pods").delete("default", "p7", new DeleteOptions("", "", 0, "", false));
        api.settle();
        sync("many");
        List<ObjectNode> after = slicesOf("many");
        assertThat(after.stream().mapToInt(s -> s.path("endpoints").size()).sum()).isEqualTo(249); // deleted at once (grace period 0)
        int changed = 0;
        for (int i = 0; i < after.size(); i++) {
            if (!after.get(i).path("metadata").path("resourceVersion").equals(before.get(i).path("metadata").path("resourceVersion"))) changed++;
        }
        assertThat(changed).isEqualTo(1);

        assertThat(endpoints.get(key("many")).orElseThrow().path("subsets").path(0).path("addresses")).hasSize(249);
        assertThat(endpoints.get(key("many")).orElseThrow().path("subsets").path(0).path("addresses").path(0).path("ip").asText())
                .isEqualTo("10.244.2.1");
    }

    @Test
    void headlessServicesAreLabelledAndPublishNotReadyMakesEveryPodReady() {
        service("db", "clusterIP: None\npublishNotReadyAddresses: true\nselector: {app: db}");
        ObjectNode pod = api.create("", "pods", yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: db-0, labels: {app: db}}
                spec: {nodeName: node-1, hostname: db-0, subdomain: db, containers: [{name: c, image: db}]}
                """));
        report(pod, "10.244.1.5", false);
        sync("db");
        ObjectNode slice = slicesOf("db").getFirst();
        assertThat(slice.path("metadata").path("labels").has("service.kubernetes.io/headless")).isTrue();
        assertThat(slice.path("ports")).isEmpty();
        JsonNode e = slice.path("endpoints").path(0);
        assertThat(e.path("hostname").asText()).isEqualTo("db-0");
        assertThat(e.path("conditions").path("ready").asBoolean()).isTrue();
        assertThat(e.path("conditions").path("serving").asBoolean()).isFalse();
        JsonNode subset = endpoints.get(key("db")).orElseThrow().path("subsets").path(0);
        assertThat(subset.path("addresses").path(0).path("hostname").asText()).isEqualTo("db-0");
        assertThat(subset.has("ports")).isFalse();
    }

    @Test
    void servicesWithoutSelectorOrOfExternalNameAreLeftToTheirUsers() {
        service("manual", "ports: [{port: 80}]");
        service("ext", "type: ExternalName\nexternalName: example.com\nselector: {app: web}");
        pod("web-a", "web", 80, "10.244.1.2", true);
        api.create("discovery.k8s.io", "endpointslices", yaml("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: manual-1, labels: {kubernetes.io/service-name: manual}}
                addressType: IPv4
                endpoints: [{addresses: [10.0.0.5]}]
                ports: [{port: 80}]
                """));
        sync("manual");
        sync("ext");
        assertThat(slicesOf("manual")).extracting(s -> s.path("metadata").path("name").asText()).containsExactly("manual-1");
        assertThat(slicesOf("ext")).isEmpty();
        assertThat(endpoints.get(key("manual"))).isEmpty();
        assertThat(endpoints.get(key("ext"))).isEmpty();
    }

    @Test
    void endpointsOfADeletedServiceGoWithIt() {
        service("gone", "selector: {app: web}\nports: [{port: 80}]");
        pod("web-a", "web", 80, "10.244.1.2", true);
        sync("gone");
        assertThat(endpoints.get(key("gone"))).isPresent();
        api.resource("", "services").delete("default", "gone", DeleteOptions.defaults());
        api.settle();
        sync("gone");
        assertThat(endpoints.get(key("gone"))).isEmpty();
    }

    @Test
    void slicePlanFillsExistingSlicesBeforeCreating() {
        List<ObjectNode> wanted = new ArrayList<>();
        for (int i = 0; i < 5; i++) wanted.add(yaml("{addresses: [10.0.0." + i + "], targetRef: {uid: u" + i + "}}"));
        ObjectNode existing = yaml("""
                {metadata: {name: s1, labels: {}}, addressType: IPv4, ports: [], endpoints: [
                  {addresses: [10.0.0.0], targetRef: {uid: u0}}, {addresses: [10.9.9.9], targetRef: {uid: gone}}]}
                """);
        var group = new SliceGroup("IPv4", (com.fasterxml.jackson.databind.node.ArrayNode) yaml("{p: []}").get("p"), wanted);
        var writes = SlicePlan.plan(List.of(group), List.of(existing), 3, g -> yaml("{metadata: {labels: {}}}"));
        assertThat(writes.updates()).hasSize(1);
        assertThat(writes.updates().getFirst().path("endpoints").toString()).contains("u0", "u1", "u2").doesNotContain("gone");
        assertThat(writes.creates()).hasSize(1);
        assertThat(writes.creates().getFirst().path("endpoints").toString()).contains("u3", "u4");
        assertThat(writes.deletes()).isEmpty();
    }
}
