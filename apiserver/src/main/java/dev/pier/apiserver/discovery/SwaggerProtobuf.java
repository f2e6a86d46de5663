package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes the Swagger 2.0 document in the protobuf form Kubernetes serves at {@code /openapi/v2} to
 * clients that ask for {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf} (the
 * {@code openapi.v2.Document} message of the gnostic project). Written with protobuf's wire encoder
 * directly; field numbers are those of that message format. Extensions and defaults travel as YAML
 * text, as they do in that format.
 */
final class SwaggerProtobuf {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

    private SwaggerProtobuf() {
    }

    static byte[] encode(JsonNode swagger) {
        Message doc = new Message();
        doc.string(1, swagger.path("swagger").asText("2.0"));
        Message info = new Message();
        info.string(1, swagger.path("info").path("title").asText(""));
        info.string(2, swagger.path("info").path("version").asText(""));
        doc.message(2, info);
        Message paths = new Message();
        fields(swagger.path("paths"), (name, item) -> paths.message(2, named(name, pathItem(item))));
        doc.message(8, paths);
        Message definitions = new Message();
        fields(swagger.path("definitions"), (name, schema) -> definitions.message(1, named(name, schema(schema))));
        doc.message(9, definitions);
        return doc.bytes();
    }

    private static Message pathItem(JsonNode item) {
        Message m = new Message();
        String[] verbs = {null, null, "get", "put", "post", "delete", "options", "head", "patch"};
        for (int field = 2; field < verbs.length; field++) {
            if (item.has(verbs[field])) m.message(field, operation(item.get(verbs[field])));
        }
        return m;
    }

    private static Message operation(JsonNode op) {
        Message m = new Message();
        m.string(5, op.path("operationId").asText(""));
        op.path("produces").forEach(p -> m.string(6, p.asText()));
        op.path("consumes").forEach(c -> m.string(7, c.asText()));
        for (JsonNode p : op.path("parameters")) {
            Message query = new Message();
            query.string(2, p.path("in").asText("query"));
            query.string(4, p.path("name").asText());
            query.string(6, p.path("type").asText("string"));
            Message nonBody = new Message().message(3, query);
            m.message(8, new Message().message(1, new Message().message(2, nonBody)));
        }
        Message responses = new Message();
        fields(op.path("responses"), (code, r) -> {
            Message response = new Message().string(1, r.path("description").asText(""));
            responses.message(1, named(code, new Message().message(1, response)));
        });
        m.message(9, responses);
        extensions(op, m, 13);
        return m;
    }

    private static Message schema(JsonNode s) {
        Message m = new Message();
        m.string(1, s.path("$ref").asText(""));
        m.string(2, s.path("format").asText(""));
        m.string(4, s.path("description").asText(""));
        if (s.has("default")) m.message(5, any(s.get("default")));
        if (s.has("maximum")) m.number(7, s.get("maximum").asDouble());
        if (s.has("minimum")) m.number(9, s.get("minimum").asDouble());
        if (s.has("maxLength")) m.integer(11, s.get("maxLength").asLong());
        if (s.has("minLength")) m.integer(12, s.get("minLength").asLong());
        m.string(13, s.path("pattern").asText(""));
        s.path("required").forEach(r -> m.string(19, r.asText()));
        s.path("enum").forEach(e -> m.message(20, any(e)));
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && additional.isObject()) m.message(21, new Message().message(1, schema(additional)));
        else if (additional != null && additional.isBoolean()) m.message(21, new Message().bool(2, additional.asBoolean()));
        if (s.has("type")) m.message(22, new Message().string(1, s.get("type").asText()));
        if (s.has("items")) m.message(23, new Message().message(1, schema(s.get("items"))));
        s.path("allOf").forEach(a -> m.message(24, schema(a)));
        if (s.has("properties")) {
            Message properties = new Message();
            fields(s.get("properties"), (name, p) -> properties.message(1, named(name, schema(p))));
            m.message(25, properties);
        }
        extensions(s, m, 31);
        return m;
    }

    private static void extensions(JsonNode node, Message m, int field) {
        fields(node, (name, value) -> {
            if (name.startsWith("x-")) m.message(field, new Message().string(1, name).message(2, any(value)));
        });
    }

    private static Message any(JsonNode value) {
        try {
            return new Message().string(2, YAML.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Message named(String name, Message value) {
        return new Message().string(1, name).message(2, value);
    }

    private static void fields(JsonNode node, java.util.function.BiConsumer<String, JsonNode> each) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            each.accept(e.getKey(), e.getValue());
        }
    }

    /** One protobuf message being written; proto3 defaults (empty strings, zero) are left out. */
    private static final class Message {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(buffer);

        Message string(int field, String value) {
            if (value == null || value.isEmpty()) return this;
            return write(() -> out.writeString(field, value));
        }

        Message bool(int field, boolean value) {
            return write(() -> out.writeBool(field, value));
        }

        Message number(int field, double value) {
            return write(() -> out.writeDouble(field, value));
        }

        Message integer(int field, long value) {
            return write(() -> out.writeInt64(field, value));
        }

        Message message(int field, Message child) {
            byte[] bytes = child.bytes();
            return write(() -> out.writeBytes(field, ByteString.copyFrom(bytes)));
        }

        byte[] bytes() {
            write(out::flush);
            return buffer.toByteArray();
        }

        private Message write(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
