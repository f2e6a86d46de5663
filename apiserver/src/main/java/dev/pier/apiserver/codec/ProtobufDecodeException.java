package dev.pier.apiserver.codec;

/**
 * A request body that is not a decodable Kubernetes protobuf object: no {@code k8s\0} prefix, malformed
 * protobuf, an apiVersion/kind with no known message, or content that has no JSON form. The message is
 * meant for the client (it ends up in a 400 response).
 */
public final class ProtobufDecodeException extends RuntimeException {
    public ProtobufDecodeException(String message) {
        super(message);
    }

    public ProtobufDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
