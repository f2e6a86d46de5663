package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltinResourcesTest {
    private final ResourceRegistry registry = BuiltinResources.registry();

    @Test
    void everyKindIsServed() {
        assertThat(registry.all()).hasSize(35);
        Map<String, String> shortNames = registry.all().stream().filter(t -> !t.shortNames().isEmpty())
                .collect(Collectors.toMap(ResourceType::groupResource, t -> String.join(",", t.shortNames())));
        assertThat(shortNames).containsEntry("pods", "po").containsEntry("deployments.apps", "deploy")
                .containsEntry("cronjobs.batch", "cj").containsEntry("storageclasses.storage.k8s.io", "sc")
                .containsEntry("replicationcontrollers", "rc").containsEntry("ingresses.networking.k8s.io", "ing")
                .containsEntry("certificatesigningrequests.certificates.k8s.io", "csr");
        assertThat(registry.find("", "v1", "pods").orElseThrow().categories()).containsExactly("all");
    }

    @Test
    void tablesNeverFailAndFillEveryColumn() {
        for (ResourceType t : registry.all()) {
            ObjectNode bare = Harness.yaml("metadata: {name: x}");
            assertThat(t.strategy().table().cells(bare)).as(t.resource()).hasSize(t.strategy().table().columns().size());
            ObjectNode created = Harness.yaml("metadata: {name: x, namespace: default}");
            created.withObject("/metadata").put("creationTimestamp", "2024-05-01T10:00:00Z").put("uid", Harness.UID);
            try {
                t.strategy().prepareForCreate(created);
            } catch (RuntimeException e) {
                throw new AssertionError(t.resource() + " cannot prepare an empty object", e);
            }
            t.strategy().validate(created);
            var cells = t.strategy().table().cells(created);
            for (int i = 0; i < cells.size(); i++) {
                assertThat(cells.get(i).isNull()).as(t.resource() + " column " + i).isFalse();
            }
            t.strategy().fieldSelectors().values().forEach(f -> f.apply(created));
        }
    }

    /** Defaults are idempotent: re-sending a stored object changes nothing, so the store skips the write. */
    @Test
    void updatesOfStoredObjectsAreNoOps() throws Exception {
        Map<String, String> samples = Map.of(
                "pods", "spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}], resources: {limits: {cpu: '0.5'}}}]}",
                "services", "spec: {type: NodePort, ports: [{port: 80}]}",
                "deployments", "spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}",
                "statefulsets", "spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}",
                "daemonsets", "spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}",
                "jobs", "spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}",
                "cronjobs", "spec: {schedule: '@daily', jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}}",
                "secrets", "stringData: {a: b}",
                "persistentvolumeclaims", "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1024Mi}}}");
        for (ResourceType t : registry.all()) {
            String body = samples.getOrDefault(t.resource(), "metadata: {labels: {a: b}}");
            ObjectNode created = Harness.created(t.strategy(), body);
            ObjectNode stored = (ObjectNode) dev.pier.apiserver.meta.Json.MAPPER.readTree(dev.pier.apiserver.meta.Json.bytes(created));
            ObjectNode again = stored.deepCopy();
            t.strategy().prepareForUpdate(again, stored);
            assertThat(again).as(t.resource()).isEqualTo(stored);
        }
    }

    @Test
    void statusAndGenerationAsKubernetes() {
        assertThat(type("pods").strategy().tracksGeneration()).isFalse();
        assertThat(type("services").strategy().tracksGeneration()).isFalse();
        assertThat(type("nodes").strategy().resetsStatusOnCreate()).isFalse();
        assertThat(type("deployments").strategy().tracksGeneration()).isTrue();
        assertThat(type("configmaps").hasStatus()).isFalse();
        assertThat(type("secrets").strategy().fieldSelectors()).containsKey("type");
        assertThat(type("namespaces").strategy().fieldSelectors()).containsKeys("status.phase", "name");
    }

    private ResourceType type(String resource) {
        return registry.all().stream().filter(t -> t.resource().equals(resource) && !t.group().equals("events.k8s.io"))
                .findFirst().orElseThrow();
    }
}
