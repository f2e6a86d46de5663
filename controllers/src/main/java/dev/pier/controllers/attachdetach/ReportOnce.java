package dev.pier.controllers.attachdetach;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the last message reported for a subject, so that a condition that lasts (an attach error the
 * attacher keeps retrying, a volume held by another node) becomes one Event, not one per sync; the
 * EventRecorder does not aggregate. Memory only: after a restart a lasting condition is reported once more.
 * Subjects are grouped in scopes (one per volume key); one worker at a time touches a scope.
 */
final class ReportOnce {
    private final Map<String, Map<String, String>> scopes = new ConcurrentHashMap<>();

    /** True when {@code message} is new for {@code subject}: never reported, or another message was last. */
    boolean first(String scope, String subject, String message) {
        String last = scopes.computeIfAbsent(scope, s -> new ConcurrentHashMap<>()).put(subject, message);
        return !message.equals(last);
    }

    /** Forgets the subjects of a scope whose condition ended, so that it is reported again if it comes back. */
    void retain(String scope, Set<String> current) {
        Map<String, String> subjects = scopes.get(scope);
        if (subjects == null) return;
        subjects.keySet().retainAll(current);
        if (subjects.isEmpty()) scopes.remove(scope, subjects);
    }
}
