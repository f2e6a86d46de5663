package dev.pier.apiserver.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.util.Locale;

/**
 * Turns a request body into an object tree according to its Content-Type: JSON (also when no type is
 * given, as kubectl's {@code scale} sends), YAML, or Kubernetes protobuf. Malformed input is a 400,
 * an unknown type a 415; nothing here lets a hostile body through as a 500.
 */
public final class BodyDecoder {
    public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    private static final ObjectMapper YAML;

    static {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(50); // no "billion laughs"
        loader.setNestingDepthLimit(200);
        loader.setCodePointLimit(4 * 1024 * 1024);
        YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build()).build());
    }

    private BodyDecoder() {
    }

    /** The media type without parameters, lower case; "application/json" when the header is absent. */
    public static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) return "application/json";
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    }

    /** Decodes an object body (create, update). */
    public static ObjectNode decodeObject(String contentType, byte[] body) {
        String type = mediaType(contentType);
        if (body.length == 0) throw ApiException.badRequest("the request body is empty; an object was expected");
        JsonNode node = switch (type) {
            case "application/json", "*/*" -> parse(Json.MAPPER, body, "JSON");
            case "application/yaml", "application/x-yaml", "text/yaml" -> parse(YAML, body, "YAML");
            case PROTOBUF -> {
                try {
                    yield ProtobufDecoder.decode(body);
                } catch (ProtobufDecodeException e) {
                    throw ApiException.badRequest("unable to decode protobuf body: " + e.getMessage());
                }
            }
            default -> throw ApiException.unsupportedMediaType(contentType);
        };
        if (!(node instanceof ObjectNode o)) {
            throw ApiException.badRequest("the request body must be an object, not " + (node == null ? "empty" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return o;
    }

    /** Decodes any JSON, YAML or protobuf body (patches, delete options); null when empty. */
    public static JsonNode decodeTree(String contentType, byte[] body) {
        if (body.length == 0) return null;
        String type = mediaType(contentType);
        if (type.equals(PROTOBUF)) return decodeObject(contentType, body); // Helm sends DeleteOptions this way
        return type.contains("yaml") ? parse(YAML, body, "YAML") : parse(Json.MAPPER, body, "JSON");
    }

    private static JsonNode parse(ObjectMapper mapper, byte[] body, String format) {
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("error decoding " + format + " body: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("error decoding " + format + " body: " + e.getMessage());
        }
    }
}
