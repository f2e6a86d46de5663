package dev.pier.apiserver.discovery;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the protobuf /openapi/v2 back with protobuf's generic parser and checks its structure. */
class SwaggerProtobufTest {
    private static String string(UnknownFieldSet m, int field) {
        return m.getField(field).getLengthDelimitedList().getFirst().toStringUtf8();
    }

    private static List<ByteString> repeated(UnknownFieldSet m, int field) {
        return m.hasField(field) ? m.getField(field).getLengthDelimitedList() : List.of();
    }

    @Test
    void documentCarriesDefinitionsWithPropertiesReferencesAndExtensions() throws Exception {
        UnknownFieldSet doc = UnknownFieldSet.parseFrom(new OpenApi(BuiltinResources.registry()).swaggerProtobuf());
        assertThat(string(doc, 1)).isEqualTo("2.0");
        UnknownFieldSet definitions = UnknownFieldSet.parseFrom(repeated(doc, 9).getFirst());
        UnknownFieldSet deployment = null;
        for (ByteString named : repeated(definitions, 1)) {
            UnknownFieldSet n = UnknownFieldSet.parseFrom(named);
            if (string(n, 1).equals("io.k8s.api.apps.v1.Deployment")) deployment = UnknownFieldSet.parseFrom(repeated(n, 2).getFirst());
        }
        assertThat(deployment).as("Deployment definition").isNotNull();
        // properties (25) hold spec with a $ref (1) hoisted out of allOf
        UnknownFieldSet properties = UnknownFieldSet.parseFrom(repeated(deployment, 25).getFirst());
        boolean specRef = false;
        for (ByteString named : repeated(properties, 1)) {
            UnknownFieldSet n = UnknownFieldSet.parseFrom(named);
            if (string(n, 1).equals("spec")) {
                specRef = string(UnknownFieldSet.parseFrom(repeated(n, 2).getFirst()), 1).equals("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
            }
        }
        assertThat(specRef).isTrue();
        // vendor extensions (31) as YAML: the group-version-kind
        UnknownFieldSet gvk = UnknownFieldSet.parseFrom(repeated(deployment, 31).getFirst());
        assertThat(string(gvk, 1)).isEqualTo("x-kubernetes-group-version-kind");
        String yaml = string(UnknownFieldSet.parseFrom(repeated(gvk, 2).getFirst()), 2);
        assertThat(Json.MAPPER.readTree(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml).toString()).get(0).path("kind").asText())
                .isEqualTo("Deployment");
    }
}
