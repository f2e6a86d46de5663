package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.storage.KeyValueStore;

/**
 * Optional behaviour of a kind whose objects hold values unique across a cell (a Service's cluster IP
 * and node ports), reserved in storage beside the objects. A strategy names its allocator
 * ({@link ResourceStrategy#allocator()}) but never calls it, staying stateless; the {@link ResourceStore}
 * calls it after validation and around the write.
 */
public interface Allocator {
    /** Allocates nothing. */
    Allocator NONE = new Allocator() {
        @Override
        public Runnable allocate(KeyValueStore kv, String cell, ObjectNode object, ObjectNode old, boolean dryRun) {
            return () -> { };
        }

        @Override
        public void release(KeyValueStore kv, String cell, ObjectNode old, ObjectNode object) {
        }
    };

    /**
     * Reserves what {@code object} needs and {@code old} (null on create) does not already hold, and writes
     * the chosen values into {@code object}. With {@code dryRun} nothing is reserved.
     *
     * @return undoes this call's reservations, for when the write then fails
     * @throws dev.pier.apiserver.errors.ApiException 422 when a requested value is taken or out of range,
     *                                                500 when a range is full
     */
    Runnable allocate(KeyValueStore kv, String cell, ObjectNode object, ObjectNode old, boolean dryRun);

    /** After a successful write or delete: frees what {@code old} held and {@code object} (null on delete) does not. */
    void release(KeyValueStore kv, String cell, ObjectNode old, ObjectNode object);
}
