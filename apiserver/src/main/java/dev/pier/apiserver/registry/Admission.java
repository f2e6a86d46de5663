package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Admission of one kind in one cell: what Kubernetes' admission plugins do between defaulting and
 * storage, needing other objects of the cell (the default StorageClass of a claim, the class that
 * allows a claim to grow). The {@link ResourceStore} calls it on creates and on updates of the object
 * (not of its status or subresources), after the kind's own defaults.
 */
public interface Admission {
    /** Admits nothing more than the kind's own rules. */
    Admission NONE = new Admission() {
    };

    /** May change {@code object} (a mutating plugin) or refuse it with an ApiException. */
    default void admitCreate(ObjectNode object) {
    }

    /** May refuse an update with an ApiException; {@code old} is the stored object. */
    default void admitUpdate(ObjectNode object, ObjectNode old) {
    }

    /** {@code first}, then {@code then}. */
    static Admission chain(Admission first, Admission then) {
        return new Admission() {
            @Override
            public void admitCreate(ObjectNode object) {
                first.admitCreate(object);
                then.admitCreate(object);
            }

            @Override
            public void admitUpdate(ObjectNode object, ObjectNode old) {
                first.admitUpdate(object, old);
                then.admitUpdate(object, old);
            }
        };
    }
}
