package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;

import java.util.Base64;

/** The opaque {@code continue} of a paginated list: the revision of the first page and the next key. */
record ContinueToken(long revision, String startKey) {

    static String encode(long revision, String startKey) {
        ObjectNode o = Json.object();
        o.put("v", "pier.v1");
        o.put("rv", revision);
        o.put("start", startKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
    }

    static ContinueToken decode(String token) {
        try {
            ObjectNode o = Json.parseObject(Base64.getUrlDecoder().decode(token));
            if (!"pier.v1".equals(o.path("v").asText()) || o.path("rv").asLong(0) <= 0) throw new IllegalArgumentException();
            return new ContinueToken(o.path("rv").asLong(), o.path("start").asText());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("continue key is not valid");
        }
    }
}
