package dev.pier.apiserver.registry;

/** What one update may change. */
public enum UpdateScope {
    /** The object as a client writes it: spec and metadata, never status (for kinds with a status subresource). */
    OBJECT,
    /** The status subresource: only status. */
    STATUS,
    /**
     * A subresource that sets fields the kind's update rules forbid clients to change, such as
     * {@code pods/binding} setting {@code spec.nodeName}: the subresource has checked the change itself.
     */
    SUBRESOURCE
}
