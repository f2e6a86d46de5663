package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** What controllers read from pods: phase, readiness and availability. */
public final class Pods {
    private Pods() {
    }

    public static String phase(JsonNode pod) {
        return pod.path("status").path("phase").asText("Pending");
    }

    /** Running or about to run: not finished and not being deleted (Kubernetes' FilterActivePods). */
    public static boolean isActive(JsonNode pod) {
        String phase = phase(pod);
        return !phase.equals("Succeeded") && !phase.equals("Failed") && !Owners.isBeingDeleted(pod);
    }

    /** Succeeded or Failed: its containers are done for good. */
    public static boolean isFinished(JsonNode pod) {
        String phase = phase(pod);
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** The PersistentVolumeClaims the pod's volumes name, each once, in the order of its volumes. */
    public static java.util.List<String> claimNames(JsonNode pod) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (JsonNode v : pod.path("spec").path("volumes")) {
            String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
            if (!claim.isEmpty()) out.add(claim);
        }
        return java.util.List.copyOf(out);
    }

    public static boolean isReady(JsonNode pod) {
        JsonNode c = condition(pod, "Ready");
        return c != null && c.path("status").asText().equals("True");
    }

    /** When the pod last became Ready; null when it is not ready. */
    public static Instant readySince(JsonNode pod) {
        JsonNode c = condition(pod, "Ready");
        if (c == null || !c.path("status").asText().equals("True")) return null;
        String t = c.path("lastTransitionTime").asText("");
        return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
    }

    /** Ready for at least {@code minReadySeconds} at {@code now}. */
    public static boolean isAvailable(JsonNode pod, long minReadySeconds, Instant now) {
        Instant since = readySince(pod);
        if (since == null) return false;
        return minReadySeconds <= 0 || !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    public static JsonNode condition(JsonNode pod, String type) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) return c;
        }
        return null;
    }

    public static int restarts(JsonNode pod) {
        int n = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) n += s.path("restartCount").asInt(0);
        return n;
    }
}
