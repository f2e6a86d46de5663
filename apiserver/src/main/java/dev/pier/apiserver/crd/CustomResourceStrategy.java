package dev.pier.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ScaleSubresource;
import dev.pier.apiserver.table.TableConvertor;

import java.util.List;

/**
 * The strategy of one served version of a custom resource: pruning, defaulting and validation by the
 * version's schema, the status subresource if declared, and its printer columns.
 */
final class CustomResourceStrategy implements ResourceStrategy {
    private final StructuralSchema schema;
    private final JsonNode rawSchema;
    private final boolean status;
    private final TableConvertor table;
    private final JsonNode scale;

    CustomResourceStrategy(JsonNode version) {
        this.rawSchema = version.path("schema").path("openAPIV3Schema");
        this.schema = new StructuralSchema(rawSchema);
        this.status = version.path("subresources").has("status");
        this.scale = version.path("subresources").path("scale");
        this.table = table(version.path("additionalPrinterColumns"));
    }

    private static TableConvertor table(JsonNode columns) {
        if (!columns.isArray() || columns.isEmpty()) return TableConvertor.NAME_AND_AGE;
        TableConvertor.Builder b = TableConvertor.builder();
        for (JsonNode c : columns) {
            String name = c.path("name").asText();
            String type = c.path("type").asText("string");
            PrinterColumn column = new PrinterColumn(c.path("jsonPath").asText(), type);
            b.column(name, type.equals("date") ? "string" : type, c.path("priority").asInt(0), column);
        }
        return b.build();
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        schema.prune(object);
        schema.applyDefaults(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        schema.prune(object);
        schema.applyDefaults(object);
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        return schema.validate(object);
    }

    @Override
    public boolean hasStatusSubresource() {
        return status;
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public TableConvertor table() {
        return table;
    }

    /** The version's OpenAPI schema, for the OpenAPI documents. */
    @Override
    public JsonNode openApiSchema() {
        return rawSchema;
    }

    @Override
    public ScaleSubresource scale() {
        if (!scale.isObject()) return null;
        String selectorPath = scale.path("labelSelectorPath").asText("");
        return new ScaleSubresource(scale.path("specReplicasPath").asText(".spec.replicas"),
                scale.path("statusReplicasPath").asText(".status.replicas"),
                o -> ScaleSubresource.text(o, selectorPath));
    }
}
