package dev.pier.apiserver.patch;

/**
 * What strategic merge patch needs to know of a type: for each field its own schema, and for list
 * fields whether they merge and by which key (Kubernetes' {@code patchStrategy} and {@code patchMergeKey}).
 * Without knowledge (custom resources, unknown fields) lists are replaced, as in a JSON merge patch.
 */
public interface PatchSchema {
    /** Knows nothing: every list is replaced. */
    PatchSchema NONE = new PatchSchema() {
        @Override
        public PatchSchema field(String name) {
            return this;
        }

        @Override
        public String mergeKey() {
            return null;
        }

        @Override
        public boolean mergesList() {
            return false;
        }
    };

    /** The schema of a field of this object, or of the items of this list. */
    PatchSchema field(String name);

    /** For a list of objects merged by key: the key field (e.g. {@code name}); null otherwise. */
    String mergeKey();

    /** True when this list field has the "merge" patch strategy (by key for objects, as a set for scalars). */
    boolean mergesList();
}
