package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SwaggerTest {
    @Test
    void v2DocumentHoldsEveryKindWithResolvableReferences() {
        ObjectNode doc = Json.parseObject(new OpenApi(BuiltinResources.registry()).swagger());
        assertThat(doc.path("swagger").asText()).isEqualTo("2.0");
        JsonNode definitions = doc.path("definitions");
        assertThat(definitions.path("io.k8s.api.apps.v1.Deployment").path("x-kubernetes-group-version-kind").get(0).path("kind").asText())
                .isEqualTo("Deployment");
        assertThat(doc.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch")
                .path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("Deployment");
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty().allSatisfy(r -> {
            assertThat(r).startsWith("#/definitions/");
            assertThat(definitions.has(r.substring("#/definitions/".length()))).as(r).isTrue();
        });
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) out.add(e.getValue().asText());
                else collectRefs(e.getValue(), out);
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }
}
