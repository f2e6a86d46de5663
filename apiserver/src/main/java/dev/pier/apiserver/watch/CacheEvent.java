package dev.pier.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One change as the watch cache keeps it. Objects are shared by every reader and must not be mutated.
 *
 * @param type     ADDED, MODIFIED or DELETED
 * @param object   the new state; for DELETED the last state with the deletion's resourceVersion
 * @param previous the state before the change (null for ADDED)
 * @param revision the store revision of the change
 */
public record CacheEvent(String type, ObjectNode object, ObjectNode previous, long revision) {
}
