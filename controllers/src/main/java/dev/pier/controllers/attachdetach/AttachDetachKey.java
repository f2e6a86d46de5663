package dev.pier.controllers.attachdetach;

import java.util.Objects;

/**
 * What the attach/detach controller syncs. A {@link Volume} key decides, for one PersistentVolume, on which
 * nodes it must be attached and from which it may be detached: keying by volume lets the work queue (which
 * never hands one key to two workers) serialise the ReadWriteOnce decision, so two nodes never both win the
 * same volume. A {@link Node} key writes one node's {@code status.volumesAttached}, a field with one writer
 * per node.
 */
public sealed interface AttachDetachKey {
    String cell();

    String name();

    /** The attachments of the PersistentVolume {@code name}. */
    record Volume(String cell, String name) implements AttachDetachKey {
        public Volume {
            Objects.requireNonNull(cell, "cell");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return cell + "/pv/" + name;
        }
    }

    /** The attached-volume list of the Node {@code name}. */
    record Node(String cell, String name) implements AttachDetachKey {
        public Node {
            Objects.requireNonNull(cell, "cell");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return cell + "/node/" + name;
        }
    }
}
