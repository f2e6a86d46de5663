package dev.pier.apiserver.patch;

import dev.pier.apiserver.codec.BodyDecoder;
import dev.pier.apiserver.errors.ApiException;

/** The patch formats Kubernetes accepts, by Content-Type. */
public enum PatchType {
    JSON("application/json-patch+json"),
    MERGE("application/merge-patch+json"),
    STRATEGIC("application/strategic-merge-patch+json"),
    APPLY("application/apply-patch+yaml");

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** @throws ApiException 415 for any other Content-Type */
    public static PatchType of(String contentType) {
        String media = BodyDecoder.mediaType(contentType);
        for (PatchType t : values()) {
            if (t.mediaType.equals(media)) return t;
        }
        throw ApiException.unsupportedMediaType(contentType == null ? "none" : contentType);
    }
}
