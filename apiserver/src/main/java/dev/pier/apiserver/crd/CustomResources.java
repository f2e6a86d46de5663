package dev.pier.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.registry.ResourceType;

import java.util.ArrayList;
import java.util.List;

/** The resource types a CustomResourceDefinition serves, one per served version. */
public final class CustomResources {
    /** The CustomResourceDefinition kind itself. */
    public static final ResourceType DEFINITIONS = new ResourceType("apiextensions.k8s.io", "v1",
            "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false,
            List.of("crd", "crds"), List.of("api-extensions"), new CrdStrategy());

    private CustomResources() {
    }

    /** Served versions, the storage version first if served (discovery's preferred version). */
    static List<ResourceType> typesOf(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
        List<String> categories = new ArrayList<>();
        names.path("categories").forEach(n -> categories.add(n.asText()));
        List<ResourceType> types = new ArrayList<>();
        for (JsonNode v : spec.path("versions")) {
            if (!v.path("served").asBoolean(false)) continue;
            ResourceType t = new ResourceType(spec.path("group").asText(), v.path("name").asText(),
                    names.path("plural").asText(), names.path("singular").asText(), names.path("kind").asText(),
                    spec.path("scope").asText().equals("Namespaced"), shortNames, categories, new CustomResourceStrategy(v));
            if (v.path("storage").asBoolean(false)) types.addFirst(t);
            else types.add(t);
        }
        return types;
    }

    /** The CRD's OpenAPI schema of a served type, or null for built-in types. */
    public static JsonNode openApiSchema(ResourceType type) {
        return type.strategy().openApiSchema();
    }
}
