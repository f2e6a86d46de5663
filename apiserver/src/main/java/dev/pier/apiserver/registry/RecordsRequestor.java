package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.UserInfo;

/**
 * Optional behaviour of a strategy whose objects record who created them, as a CertificateSigningRequest's
 * {@code spec.username} and {@code spec.groups}: the store calls it on create, after the strategy's own
 * preparation, with the authenticated user (null when the server's own components create the object).
 * Whatever the client sent in those fields is replaced, so no client can speak for another.
 */
public interface RecordsRequestor {
    void recordRequestor(ObjectNode object, UserInfo user);
}
