package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiTest {
    private static final ResourceRegistry REGISTRY = BuiltinResources.registry();
    private static final OpenApi OPEN_API = new OpenApi(REGISTRY);

    static ObjectNode doc(String path) {
        byte[] bytes = OPEN_API.document(path);
        assertThat(bytes).as(path).isNotNull();
        return Json.parseObject(bytes);
    }

    static JsonNode schema(ObjectNode doc, String name) {
        JsonNode s = doc.at("/components/schemas").get(name);
        assertThat(s).as(name).isNotNull();
        return s;
    }

    @Test
    void indexListsEveryGroupVersionWithTheHashOfItsDocument() {
        ObjectNode index = OPEN_API.index();
        List<String> paths = new ArrayList<>();
        index.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1",
                "apis/discovery.k8s.io/v1", "apis/storage.k8s.io/v1", "apis/events.k8s.io/v1", "apis/policy/v1",
                "apis/rbac.authorization.k8s.io/v1");
        for (String p : paths) {
            String url = index.at("/paths").get(p).get("serverRelativeURL").asText();
            assertThat(url).startsWith("/openapi/v3/" + p + "?hash=");
            assertThat(OPEN_API.document(p)).isNotNull();
        }
        assertThat(OPEN_API.document("apis/nope/v1")).isNull();
    }

    @Test
    void hashChangesWhenTheDocumentChanges() {
        List<ResourceType> fewer = REGISTRY.all().stream().filter(t -> !t.resource().equals("pods")).toList();
        OpenApi other = new OpenApi(new ResourceRegistry(fewer));
        String full = OPEN_API.index().at("/paths").get("api/v1").get("serverRelativeURL").asText();
        String less = other.index().at("/paths").get("api/v1").get("serverRelativeURL").asText();
        assertThat(less).isNotEqualTo(full);
        String apps = OPEN_API.index().at("/paths").get("apis/apps/v1").get("serverRelativeURL").asText();
        assertThat(other.index().at("/paths").get("apis/apps/v1").get("serverRelativeURL").asText()).isEqualTo(apps);
    }

    @Test
    void everyRefResolvesInItsOwnDocument() {
        for (Map.Entry<String, JsonNode> e : OPEN_API.index().get("paths").properties()) {
            ObjectNode doc = doc(e.getKey());
            JsonNode schemas = doc.at("/components/schemas");
            List<String> refs = new ArrayList<>();
            collectRefs(doc, refs);
            assertThat(refs).as(e.getKey()).isNotEmpty();
            for (String ref : refs) {
                assertThat(ref).startsWith("#/components/schemas/");
                assertThat(schemas.has(ref.substring("#/components/schemas/".length()))).as(e.getKey() + " " + ref).isTrue();
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            if (node.has("$ref")) out.add(node.get("$ref").asText());
            node.forEach(n -> collectRefs(n, out));
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }

    @Test
    void everyKindHasASchemaWithItsGvkAndAPatchOperationAcceptingFieldValidation() {
        for (ResourceType t : REGISTRY.all()) {
            String path = t.group().isEmpty() ? "api/" + t.version() : "apis/" + t.group() + "/" + t.version();
            ObjectNode doc = doc(path);
            String name = OpenApi.schemaName(t);
            JsonNode s = schema(doc, name);
            JsonNode gvk = s.get("x-kubernetes-group-version-kind").get(0);
            assertThat(gvk.get("group").asText()).isEqualTo(t.group());
            assertThat(gvk.get("version").asText()).isEqualTo(t.version());
            assertThat(gvk.get("kind").asText()).isEqualTo(t.kind());
            assertThat(s.at("/properties/metadata/allOf/0/$ref").asText())
                    .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            assertThat(s.at("/properties/apiVersion/type").asText()).isEqualTo("string");
            JsonNode list = schema(doc, name + "List");
            assertThat(list.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo(t.kind() + "List");
            assertThat(list.at("/properties/items/items/allOf/0/$ref").asText()).isEqualTo("#/components/schemas/" + name);

            String item = "/" + path + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.resource() + "/{name}";
            JsonNode patch = doc.get("paths").get(item).get("patch");
            assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo(t.kind());
            List<String> params = new ArrayList<>();
            patch.get("parameters").forEach(p -> params.add(p.get("name").asText() + "@" + p.get("in").asText()));
            assertThat(params).contains("fieldValidation@query");
            assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json")).isTrue();
            assertThat(patch.at("/responses/200/content/application~1json/schema/$ref").asText())
                    .isEqualTo("#/components/schemas/" + name);
        }
    }

    @Test
    void operationIdsAreNamedAsInKubernetes() {
        assertThat(OpenApi.operationId(REGISTRY.find("apps", "v1", "deployments").orElseThrow()))
                .isEqualTo("patchAppsV1NamespacedDeployment");
        assertThat(OpenApi.operationId(REGISTRY.find("", "v1", "nodes").orElseThrow())).isEqualTo("patchCoreV1Node");
        assertThat(OpenApi.operationId(REGISTRY.find("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow()))
                .isEqualTo("patchRbacAuthorizationV1ClusterRole");
    }

    @Test
    void schemasLookLikeKubernetes() {
        ObjectNode apps = doc("apis/apps/v1");
        JsonNode spec = schema(apps, "io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(spec.get("type").asText()).isEqualTo("object");
        assertThat(spec.get("description").asText()).isNotBlank();
        assertThat(spec.at("/properties/replicas/type").asText()).isEqualTo("integer");
        assertThat(spec.at("/properties/replicas/format").asText()).isEqualTo("int32");
        assertThat(spec.at("/properties/strategy/allOf/0/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
        assertThat(spec.get("required")).extracting(JsonNode::asText).containsExactly("selector", "template");

        JsonNode podSpec = schema(apps, "io.k8s.api.core.v1.PodSpec");
        JsonNode containers = podSpec.at("/properties/containers");
        assertThat(containers.get("type").asText()).isEqualTo("array");
        assertThat(containers.at("/items/allOf/0/$ref").asText()).isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
        assertThat(containers.get("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.get("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        assertThat(containers.get("x-kubernetes-list-type").asText()).isEqualTo("map");
        assertThat(containers.get("x-kubernetes-list-map-keys")).extracting(JsonNode::asText).containsExactly("name");
        assertThat(podSpec.at("/properties/nodeSelector/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(podSpec.at("/properties/nodeSelector/x-kubernetes-map-type").asText()).isEqualTo("atomic");

        JsonNode ports = schema(apps, "io.k8s.api.core.v1.Container").at("/properties/ports");
        assertThat(ports.get("x-kubernetes-list-map-keys")).extracting(JsonNode::asText).containsExactly("containerPort", "protocol");
        assertThat(ports.get("x-kubernetes-patch-merge-key").asText()).isEqualTo("containerPort");

        JsonNode limits = schema(apps, "io.k8s.api.core.v1.ResourceRequirements").at("/properties/limits");
        assertThat(limits.at("/additionalProperties/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");

        JsonNode intOrString = schema(apps, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
        assertThat(intOrString.get("format").asText()).isEqualTo("int-or-string");
        assertThat(intOrString.get("oneOf")).extracting(n -> n.get("type").asText()).containsExactly("integer", "string");
        JsonNode time = schema(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.Time");
        assertThat(time.get("type").asText()).isEqualTo("string");
        assertThat(time.get("format").asText()).isEqualTo("date-time");
        JsonNode selector = schema(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
        assertThat(selector.get("x-kubernetes-map-type").asText()).isEqualTo("atomic");
        JsonNode meta = schema(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(meta.at("/properties/finalizers/x-kubernetes-list-type").asText()).isEqualTo("set");
        assertThat(meta.at("/properties/creationTimestamp/allOf/0/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
        assertThat(meta.has("x-kubernetes-group-version-kind")).isFalse();

        ObjectNode core = doc("api/v1");
        JsonNode servicePorts = schema(core, "io.k8s.api.core.v1.ServiceSpec").at("/properties/ports");
        assertThat(servicePorts.get("x-kubernetes-list-map-keys")).extracting(JsonNode::asText).containsExactly("port", "protocol");
        assertThat(schema(core, "io.k8s.api.core.v1.Secret").at("/properties/data/additionalProperties/format").asText())
                .isEqualTo("byte");
        assertThat(core.at("/components/schemas").has("io.k8s.api.apps.v1.Deployment")).as("only its own group's kinds").isFalse();
    }
}
