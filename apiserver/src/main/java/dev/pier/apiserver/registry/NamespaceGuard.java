package dev.pier.apiserver.registry;

/** Refuses writes into namespaces that do not exist or are being deleted (the NamespaceLifecycle admission). */
@FunctionalInterface
public interface NamespaceGuard {
    /** @throws dev.pier.apiserver.errors.ApiException 404 when missing, 403 when terminating */
    void checkWritable(String namespace);

    NamespaceGuard NONE = ns -> { };
}
