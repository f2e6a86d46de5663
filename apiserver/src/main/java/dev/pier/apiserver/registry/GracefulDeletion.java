package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Optional behaviour of a strategy whose objects are not removed at once on delete but marked and
 * finished later by another party (a namespace's content is emptied first; a pod on a node waits for
 * its kubelet).
 */
public interface GracefulDeletion {
    /** Adjusts an object being marked for deletion (e.g. sets a Terminating phase). */
    void prepareForDeletion(ObjectNode object);

    /** Whether the marked object must stay in storage until someone finishes it. */
    boolean keepsUntilFinalized(ObjectNode marked);

    /** The grace period when the delete names none (a pod's {@code terminationGracePeriodSeconds}). */
    default long defaultGracePeriodSeconds(ObjectNode object) {
        return 0;
    }
}
