package dev.pier.apiserver.registry;

import dev.pier.apiserver.meta.FieldSelector;
import dev.pier.apiserver.meta.LabelSelector;

/**
 * The query of a list or watch, as metav1.ListOptions.
 *
 * @param resourceVersion      "" (most recent, consistent), "0" (any, from cache) or a revision
 * @param resourceVersionMatch "", "NotOlderThan" or "Exact"
 * @param limit                page size, 0 for all
 * @param continueToken        opaque token from the previous page
 * @param timeoutSeconds       for watches: end the stream after this long; 0 for never
 */
public record ListOptions(LabelSelector labels, FieldSelector fields, String resourceVersion,
                          String resourceVersionMatch, long limit, String continueToken,
                          long timeoutSeconds, boolean allowWatchBookmarks) {

    public static ListOptions all() {
        return new ListOptions(LabelSelector.EVERYTHING, FieldSelector.EVERYTHING, "", "", 0, "", 0, false);
    }

    public boolean filters() {
        return !labels.isEverything() || !fields.isEverything();
    }
}
