package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Job's status while a sync works on it, written back as Kubernetes 1.32 writes it: zero counters left
 * out, {@code ready} and {@code terminating} always present, {@code uncountedTerminatedPods} always
 * present (empty as {@code {}}), fields the controller does not know kept as they were.
 */
final class JobStatus {
    static final String COMPLETE = "Complete";
    static final String FAILED = "Failed";
    static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
    static final String FAILURE_TARGET = "FailureTarget";
    static final String SUSPENDED = "Suspended";

    int active;
    int ready;
    int terminating;
    int succeeded;
    int failed;
    String startTime;
    String completionTime;
    String completedIndexes;
    final ArrayNode conditions;
    /** Pods that finished and lost (or are losing) their tracking finalizer, not yet in the counters. */
    final Set<String> uncountedSucceeded = new LinkedHashSet<>();
    final Set<String> uncountedFailed = new LinkedHashSet<>();
    private final ObjectNode rest;

    private JobStatus(JsonNode status) {
        rest = status.isObject() ? status.deepCopy() : Json.object();
        active = rest.path("active").asInt(0);
        ready = rest.path("ready").asInt(0);
        terminating = rest.path("terminating").asInt(0);
        succeeded = rest.path("succeeded").asInt(0);
        failed = rest.path("failed").asInt(0);
        startTime = text(rest, "startTime");
        completionTime = text(rest, "completionTime");
        completedIndexes = text(rest, "completedIndexes");
        conditions = rest.path("conditions").isArray() ? (ArrayNode) rest.get("conditions").deepCopy() : Json.object().arrayNode();
        rest.path("uncountedTerminatedPods").path("succeeded").forEach(u -> uncountedSucceeded.add(u.asText()));
        rest.path("uncountedTerminatedPods").path("failed").forEach(u -> uncountedFailed.add(u.asText()));
        for (String f : List.of("active", "ready", "terminating", "succeeded", "failed", "startTime", "completionTime",
                "completedIndexes", "conditions", "uncountedTerminatedPods")) {
            rest.remove(f);
        }
    }

    static JobStatus of(JsonNode job) {
        return new JobStatus(job.path("status"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    ObjectNode toJson() {
        ObjectNode s = rest.deepCopy();
        if (!conditions.isEmpty()) s.set("conditions", conditions.deepCopy());
        if (startTime != null) s.put("startTime", startTime);
        if (completionTime != null) s.put("completionTime", completionTime);
        if (active != 0) s.put("active", active);
        if (succeeded != 0) s.put("succeeded", succeeded);
        if (failed != 0) s.put("failed", failed);
        if (completedIndexes != null && !completedIndexes.isEmpty()) s.put("completedIndexes", completedIndexes);
        ObjectNode uncounted = s.putObject("uncountedTerminatedPods");
        if (!uncountedSucceeded.isEmpty()) uncountedSucceeded.forEach(uncounted.putArray("succeeded")::add);
        if (!uncountedFailed.isEmpty()) uncountedFailed.forEach(uncounted.putArray("failed")::add);
        s.put("ready", ready);
        s.put("terminating", terminating);
        return s;
    }

    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ------------------------------------------------------------------ conditions

    /** A condition as the controller writes it: probe and transition at {@code now}. */
    static ObjectNode condition(String type, String status, String reason, String message, Instant now) {
        ObjectNode c = Json.object();
        c.put("type", type);
        c.put("status", status);
        c.put("lastProbeTime", time(now));
        c.put("lastTransitionTime", time(now));
        if (reason != null && !reason.isEmpty()) c.put("reason", reason);
        if (message != null && !message.isEmpty()) c.put("message", message);
        return c;
    }

    JsonNode find(String type) {
        return find(conditions, type);
    }

    static JsonNode find(JsonNode conditions, String type) {
        for (JsonNode c : conditions) if (c.path("type").asText().equals(type)) return c;
        return null;
    }

    static boolean isTrue(JsonNode job, String type) {
        JsonNode c = find(job.path("status").path("conditions"), type);
        return c != null && c.path("status").asText().equals("True");
    }

    /** Complete or Failed: nothing more happens to the job's pods. */
    static boolean isFinished(JsonNode job) {
        return isTrue(job, COMPLETE) || isTrue(job, FAILED);
    }

    /**
     * Sets a condition: replaces one of that type whose status, reason or message differ, or adds it unless
     * it would be added False (a condition that never held is not worth listing).
     *
     * @return whether the conditions changed
     */
    boolean ensure(String type, String status, String reason, String message, Instant now) {
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode c = conditions.get(i);
            if (!c.path("type").asText().equals(type)) continue;
            if (c.path("status").asText().equals(status) && c.path("reason").asText("").equals(nullToEmpty(reason))
                    && c.path("message").asText("").equals(nullToEmpty(message))) {
                return false;
            }
            conditions.set(i, condition(type, status, reason, message, now));
            return true;
        }
        if (status.equals("False")) return false;
        conditions.add(condition(type, status, reason, message, now));
        return true;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
