package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The stable identities of a StatefulSet's pods: pod {@code <set>-<ordinal>} and claim
 * {@code <template>-<set>-<ordinal>}, ordinals running from {@code spec.ordinals.start} (0 by default) for
 * {@code spec.replicas} pods.
 */
final class Ordinals {
    private Ordinals() {
    }

    /** The ordinal at the end of a pod's name; -1 when the name does not end in {@code -<digits>} that fit an int. */
    static int of(String podName) {
        int dash = podName.lastIndexOf('-');
        if (dash < 0 || dash == podName.length() - 1) return -1;
        String digits = podName.substring(dash + 1);
        for (int i = 0; i < digits.length(); i++) if (digits.charAt(i) < '0' || digits.charAt(i) > '9') return -1;
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }

    /** The name before the ordinal: the set a pod's name says it belongs to; "" when it has no ordinal. */
    static String parent(String podName) {
        return of(podName) < 0 ? "" : podName.substring(0, podName.lastIndexOf('-'));
    }

    /** Whether a pod's name makes it a member of the set (Kubernetes' isMemberOf). */
    static boolean isMember(JsonNode set, JsonNode pod) {
        return parent(pod.path("metadata").path("name").asText()).equals(set.path("metadata").path("name").asText());
    }

    static String podName(JsonNode set, int ordinal) {
        return set.path("metadata").path("name").asText() + "-" + ordinal;
    }

    static String claimName(JsonNode set, String template, int ordinal) {
        return template + "-" + set.path("metadata").path("name").asText() + "-" + ordinal;
    }

    static int start(JsonNode set) {
        return set.path("spec").path("ordinals").path("start").asInt(0);
    }

    static int replicas(JsonNode set) {
        return set.path("spec").path("replicas").asInt(1);
    }

    /** Whether an ordinal lies in [start, start + replicas). */
    static boolean inRange(JsonNode set, int ordinal) {
        return ordinal >= start(set) && ordinal < start(set) + replicas(set);
    }
}
