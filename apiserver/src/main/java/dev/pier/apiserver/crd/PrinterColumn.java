package dev.pier.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.pier.apiserver.table.Ages;

import java.util.function.Function;

/**
 * One {@code additionalPrinterColumns} entry: its JSONPath (Kubernetes' form, e.g.
 * {@code .status.conditions[?(@.type=="Ready")].status}) compiled once and evaluated per row.
 */
final class PrinterColumn implements Function<ObjectNode, Object> {
    private static final Configuration JSON = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    private final JsonPath path;
    private final String type;

    PrinterColumn(String jsonPath, String type) {
        String p = jsonPath.trim();
        if (p.startsWith("{") && p.endsWith("}")) p = p.substring(1, p.length() - 1);
        this.path = JsonPath.compile(p.startsWith("$") ? p : "$" + (p.startsWith(".") || p.startsWith("[") ? p : "." + p));
        this.type = type;
    }

    /** Whether Kubernetes would accept this JSONPath; used by CRD validation. */
    static boolean valid(String jsonPath) {
        try {
            new PrinterColumn(jsonPath, "string");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Object apply(ObjectNode object) {
        JsonNode v = path.read(object, JSON);
        if (v instanceof ArrayNode a) {
            if (a.isEmpty()) return null;
            v = a.get(0); // filters yield lists; Kubernetes prints the first match
        }
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        return switch (type) {
            case "date" -> Ages.since(v.asText());
            case "integer" -> v.isIntegralNumber() ? (Object) v.asLong() : v.asText();
            case "boolean" -> v.isBoolean() ? (Object) v.asBoolean() : v.asText();
            case "number" -> v;
            default -> v.isValueNode() ? v.asText() : v.toString();
        };
    }
}
