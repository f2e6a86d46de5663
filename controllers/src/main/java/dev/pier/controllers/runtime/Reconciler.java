package dev.pier.controllers.runtime;

/**
 * A controller's level-based sync of one key: read the desired and the actual state from informers,
 * act through the API, write status. Idempotent; NotFound means clean up and return; throw to be
 * retried with back-off.
 *
 * @param <K> the key type: an {@link ObjectKey} for most controllers
 */
@FunctionalInterface
public interface Reconciler<K> {
    Result sync(K key) throws Exception;
}
