package dev.pier.apiserver.codec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kubernetes.client.proto.Runtime;

/**
 * Decodes Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}), which kubectl
 * sends for its typed commands ({@code kubectl create configmap|deployment|secret|...}, evictions, access
 * reviews, token requests), into the JSON tree the same object has in Kubernetes' JSON form.
 */
public final class ProtobufDecoder {
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    /** RawExtensions may hold protobuf objects holding RawExtensions...; real objects nest one or two deep. */
    private static final int MAX_EMBEDDING_DEPTH = 8;

    private ProtobufDecoder() {
    }

    /**
     * Decodes a protobuf body: the magic {@code k8s\0} followed by a {@code runtime.Unknown} whose type
     * meta names the kind and whose raw bytes are that kind's message from Kubernetes' generated.proto.
     *
     * @param body the complete request body
     * @return the object as Kubernetes' JSON would have it, with {@code apiVersion} and {@code kind} set from
     *         the type meta; scalar fields the sender left at their Go zero value are absent unless the
     *         Go field is a pointer (where an explicit 0/false/"" is meaningful)
     * @throws ProtobufDecodeException when the magic is missing, the protobuf is malformed, or no message is
     *         known for the apiVersion/kind ("no protobuf type for apps/v1/Foo"); hostile input never causes
     *         any other exception
     */
    public static ObjectNode decode(byte[] body) {
        return decode(body, "", "");
    }

    /**
     * Like {@link #decode(byte[])}, but an apiVersion or kind missing from the body's type meta is taken
     * from the defaults, as Kubernetes does with the kind the endpoint expects.
     */
    public static ObjectNode decode(byte[] body, String defaultApiVersion, String defaultKind) {
        return decode(body, defaultApiVersion, defaultKind, 0);
    }

    static ObjectNode decode(byte[] body, String defaultApiVersion, String defaultKind, int depth) {
        if (!hasMagic(body)) throw new ProtobufDecodeException("not a Kubernetes protobuf body: missing the \"k8s\\0\" prefix");
        if (depth > MAX_EMBEDDING_DEPTH) throw new ProtobufDecodeException("objects embedded more than " + MAX_EMBEDDING_DEPTH + " deep");
        try {
            Runtime.Unknown unknown = Runtime.Unknown.parser().parseFrom(body, MAGIC.length, body.length - MAGIC.length);
            // contentEncoding and contentType are ignored, as Kubernetes' own protobuf serializer does.
            String apiVersion = orDefault(unknown.getTypeMeta().getApiVersion(), defaultApiVersion);
            String kind = orDefault(unknown.getTypeMeta().getKind(), defaultKind);
            Descriptor type = ProtobufTypes.find(apiVersion, kind);
            if (type == null) throw new ProtobufDecodeException("no protobuf type for " + abbreviate(apiVersion + "/" + kind));
            DynamicMessage message = DynamicMessage.parseFrom(type, unknown.getRaw());
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("apiVersion", apiVersion);
            out.put("kind", kind);
            ProtobufJson.writeFields(message, out, depth);
            return out;
        } catch (ProtobufDecodeException e) {
            throw e;
        } catch (InvalidProtocolBufferException e) {
            throw new ProtobufDecodeException("malformed protobuf: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // protobuf-java signals some malformed input with unchecked exceptions; none may escape as a 500.
            throw new ProtobufDecodeException("malformed protobuf: " + e, e);
        }
    }

    static boolean hasMagic(byte[] body) {
        if (body == null || body.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) return false;
        }
        return true;
    }

    /** The type goes back to the client in the error; a hostile body may make it arbitrarily long. */
    private static String abbreviate(String type) {
        return type.length() <= 200 ? type : type.substring(0, 200) + "...";
    }

    private static String orDefault(String value, String fallback) {
        return value.isEmpty() && fallback != null ? fallback : value;
    }
}
