package dev.pier.controllers.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.batch.CronSchedule;
import dev.pier.controllers.runtime.Owners;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One sync of one CronJob, after Kubernetes 1.32's CronJob controller: deletes finished jobs beyond the
 * history limits, reconciles {@code status.active} with the jobs that exist, and, when an activation is
 * due (and not too late for {@code startingDeadlineSeconds}), applies the concurrency policy and creates
 * the job {@code <cronjob>-<scheduled time in minutes since the epoch>}; that name also keeps one activation
 * from creating two jobs. Works on a copy of the status and reports whether it changed and when to look
 * again; everything outside goes through {@link CronJobActions}, so tests drive it with a fixed time.
 */
final class CronJobSync {
    static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);
    private static final DateTimeFormatter RFC1123Z = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    /**
     * @param status        the CronJob's status after the sync
     * @param statusChanged whether it differs from the stored one
     * @param requeueAfter  when to sync again (the next activation), or null to wait for a change
     * @param error         a failure to report (retried with back-off) when there is no requeue time
     */
    record Outcome(ObjectNode status, boolean statusChanged, Duration requeueAfter, RuntimeException error) {
    }

    private final ObjectNode cronJob;
    private final JsonNode spec;
    private final List<ObjectNode> jobs;
    private final Instant now;
    private final ZoneId defaultZone;
    private final CronJobActions actions;
    private final ObjectNode status;
    private final ArrayNode active;
    private boolean changed;

    /**
     * @param jobs        the jobs this CronJob controls
     * @param defaultZone the zone of schedules without a time zone (the controller's)
     */
    CronJobSync(ObjectNode cronJob, List<ObjectNode> jobs, Instant now, ZoneId defaultZone, CronJobActions actions) {
        this.cronJob = cronJob;
        this.spec = cronJob.path("spec");
        this.jobs = jobs;
        this.now = now;
        this.defaultZone = defaultZone;
        this.actions = actions;
        this.status = cronJob.path("status").isObject() ? cronJob.get("status").deepCopy() : Json.object();
        this.active = status.path("active").isArray() ? (ArrayNode) status.get("active") : status.putArray("active");
    }

    Outcome run() {
        cleanupFinishedJobs();
        Duration requeue = null;
        RuntimeException error = null;
        try {
            requeue = syncActivations();
        } catch (ApiException e) {
            error = e;
        }
        if (active.isEmpty()) status.remove("active");
        return new Outcome(status, changed || !Json.sameValues(status, cronJob.path("status")), requeue, error);
    }

    // ------------------------------------------------------------------ history

    private void cleanupFinishedJobs() {
        if (!spec.hasNonNull("successfulJobsHistoryLimit") && !spec.hasNonNull("failedJobsHistoryLimit")) return;
        List<ObjectNode> succeeded = new ArrayList<>();
        List<ObjectNode> failed = new ArrayList<>();
        for (ObjectNode job : jobs) {
            String finished = finishedCondition(job);
            if ("Complete".equals(finished)) succeeded.add(job);
            else if ("Failed".equals(finished)) failed.add(job);
        }
        if (spec.hasNonNull("successfulJobsHistoryLimit")) removeOldest(succeeded, spec.path("successfulJobsHistoryLimit").asInt());
        if (spec.hasNonNull("failedJobsHistoryLimit")) removeOldest(failed, spec.path("failedJobsHistoryLimit").asInt());
    }

    /** Deletes all but the {@code keep} most recently started jobs. */
    private void removeOldest(List<ObjectNode> finished, int keep) {
        int surplus = finished.size() - keep;
        if (surplus <= 0) return;
        List<ObjectNode> oldestFirst = new ArrayList<>(finished);
        oldestFirst.sort(Comparator
                .comparing((ObjectNode j) -> startTime(j) == null)
                .thenComparing(j -> startTime(j) == null ? Instant.MAX : startTime(j))
                .thenComparing(CronJobSync::name));
        for (ObjectNode job : oldestFirst.subList(0, surplus)) deleteJob(job);
    }

    private boolean deleteJob(ObjectNode job) {
        try {
            actions.deleteJob(job);
        } catch (ApiException e) {
            actions.event("Warning", "FailedDelete", "Deleted job: " + e.getMessage());
            return false;
        }
        removeActive(Owners.uid(job));
        actions.event("Normal", "SuccessfulDelete", "Deleted job " + name(job));
        return true;
    }

    // ------------------------------------------------------------------ activations

    /** Reconciles the active list, then starts the due activation if there is one; returns when to look again. */
    private Duration syncActivations() {
        Set<String> children = new HashSet<>();
        for (ObjectNode job : jobs) {
            String uid = Owners.uid(job);
            children.add(uid);
            boolean listed = isActive(uid);
            String finished = finishedCondition(job);
            if (!listed && finished == null) {
                actions.event("Warning", "UnexpectedJob", "Saw a job that the controller did not create or forgot: " + name(job));
            } else if (finished != null) {
                if (listed) {
                    removeActive(uid);
                    actions.event("Normal", "SawCompletedJob", "Saw completed job: " + name(job) + ", condition: " + finished);
                }
                String completed = job.path("status").path("completionTime").asText("");
                if (finished.equals("Complete") && !completed.isEmpty()) {
                    String last = status.path("lastSuccessfulTime").asText("");
                    if (last.isEmpty() || Instant.parse(completed).isAfter(Instant.parse(last))) status.put("lastSuccessfulTime", completed);
                }
            }
        }
        // an active job that no longer exists (checked against the API, not only the informer) is dropped
        for (JsonNode ref : snapshot(active)) {
            if (children.contains(ref.path("uid").asText())) continue;
            if (actions.getJob(ref.path("name").asText()).isEmpty()) {
                actions.event("Normal", "MissingJob", "Active job went missing: " + ref.path("name").asText());
                removeActive(ref.path("uid").asText());
            }
        }

        if (Owners.isBeingDeleted(cronJob)) return null;
        String timeZone = spec.hasNonNull("timeZone") ? spec.path("timeZone").asText() : null;
        if (timeZone != null && !CronSchedule.isZone(timeZone)) {
            actions.event("Warning", "UnknownTimeZone", "invalid timeZone: \"" + timeZone + "\": unknown time zone " + timeZone);
            return null;
        }
        if (spec.path("suspend").asBoolean(false)) return null;
        String text = spec.path("schedule").asText("");
        if (text.contains("TZ")) {
            actions.event("Warning", "UnsupportedSchedule", "CRON_TZ or TZ used in schedule \"" + text
                    + "\" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details");
        }
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(text);
        } catch (IllegalArgumentException e) {
            actions.event("Warning", "UnparseableSchedule", "unparseable schedule: \"" + text + "\" : " + e.getMessage());
            return null;
        }
        ZoneId zone = schedule.zone().orElse(timeZone != null ? CronSchedule.zoneOf(timeZone) : defaultZone);
        ScheduleTimes times = new ScheduleTimes(schedule, zone);
        Instant created = Instant.parse(cronJob.path("metadata").path("creationTimestamp").asText());
        Instant lastScheduled = status.hasNonNull("lastScheduleTime") ? Instant.parse(status.path("lastScheduleTime").asText()) : null;
        Duration untilNext = times.untilNext(created, lastScheduled, now);

        Duration deadline = spec.hasNonNull("startingDeadlineSeconds") ? Duration.ofSeconds(spec.path("startingDeadlineSeconds").asLong()) : null;
        ScheduleTimes.Recent recent;
        try {
            recent = times.mostRecent(created, lastScheduled, deadline, now);
        } catch (IllegalArgumentException e) {
            actions.event("Warning", "InvalidSchedule", "invalid schedule: " + text + " : " + e.getMessage());
            return null;
        }
        Instant scheduled = recent.mostRecent();
        if (scheduled == null) return untilNext;
        if (recent.missed() == ScheduleTimes.Missed.MANY) {
            actions.event("Warning", "TooManyMissedTimes",
                    "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        if (deadline != null && scheduled.plus(deadline).isBefore(now)) {
            actions.event("Warning", "MissSchedule", "Missed scheduled time to start a job: " + RFC1123Z.format(scheduled.atZone(ZoneOffset.UTC)));
            return untilNext;
        }
        String jobName = jobName(cronJob, scheduled);
        if (isActiveName(jobName) || scheduled.equals(lastScheduled)) return untilNext; // this activation was handled
        String policy = spec.path("concurrencyPolicy").asText("Allow");
        if (policy.equals("Forbid") && !active.isEmpty()) {
            actions.event("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return untilNext;
        }
        if (policy.equals("Replace")) {
            for (JsonNode ref : snapshot(active)) {
                Optional<ObjectNode> running = actions.getJob(ref.path("name").asText());
                if (running.isEmpty()) {
                    removeActive(ref.path("uid").asText());
                } else if (!deleteJob(running.get())) {
                    throw ApiException.internal("could not replace job " + cronJob.path("metadata").path("namespace").asText() + "/" + ref.path("name").asText());
                }
            }
        }

        ObjectNode started = createJob(jobFromTemplate(cronJob, scheduled, timeZone), jobName);
        if (started == null) return untilNext;
        active.add(reference(started));
        status.put("lastScheduleTime", scheduled.truncatedTo(ChronoUnit.SECONDS).toString());
        changed = true;
        return untilNext;
    }

    /** The created job, or the one of that name this CronJob made before and forgot to list; null otherwise. */
    private ObjectNode createJob(ObjectNode job, String jobName) {
        try {
            ObjectNode created = actions.createJob(job);
            actions.event("Normal", "SuccessfulCreate", "Created job " + name(created));
            return created;
        } catch (ApiException e) {
            if (e.code() != 409 || !"AlreadyExists".equals(e.reason())) {
                actions.event("Warning", "FailedCreate", "Error creating job: " + e.getMessage());
                throw e;
            }
        }
        // the name is the lock of one activation: a job of ours by that name means it already started
        ObjectNode existing = actions.getJob(jobName).orElseThrow(() -> ApiException.internal("job " + jobName + " exists yet cannot be read"));
        if (!Owners.isControlledBy(existing, Owners.uid(cronJob)) || isActive(Owners.uid(existing))) return null;
        return existing;
    }

    /** The job an activation at {@code scheduled} creates. */
    static ObjectNode jobFromTemplate(JsonNode cronJob, Instant scheduled, String timeZone) {
        JsonNode template = cronJob.path("spec").path("jobTemplate");
        ObjectNode job = Json.object();
        job.put("apiVersion", "batch/v1");
        job.put("kind", "Job");
        ObjectNode meta = job.putObject("metadata");
        meta.put("name", jobName(cronJob, scheduled));
        if (template.path("metadata").path("labels").isObject() && !template.path("metadata").path("labels").isEmpty()) {
            meta.set("labels", template.path("metadata").path("labels").deepCopy());
        }
        ObjectNode annotations = template.path("metadata").path("annotations").isObject()
                ? template.path("metadata").path("annotations").deepCopy() : Json.object();
        // in the CronJob's time zone, UTC without one (whatever the controller's own zone)
        ZoneId zone = timeZone != null ? CronSchedule.zoneOf(timeZone) : ZoneOffset.UTC;
        annotations.put(SCHEDULED_TIMESTAMP, RFC3339.format(scheduled.atZone(zone)));
        meta.set("annotations", annotations);
        meta.putArray("ownerReferences").add(Owners.controllerRef(cronJob));
        job.set("spec", template.path("spec").deepCopy());
        return job;
    }

    /** {@code <cronjob>-<minutes since the epoch>}: one name per activation. */
    static String jobName(JsonNode cronJob, Instant scheduled) {
        return cronJob.path("metadata").path("name").asText() + "-" + Math.floorDiv(scheduled.getEpochSecond(), 60);
    }

    /** An ObjectReference to a job, as {@code status.active} lists them. */
    private static ObjectNode reference(JsonNode job) {
        ObjectNode ref = Json.object();
        ref.put("kind", "Job");
        ref.put("namespace", job.path("metadata").path("namespace").asText());
        ref.put("name", name(job));
        ref.put("uid", Owners.uid(job));
        ref.put("apiVersion", "batch/v1");
        ref.put("resourceVersion", job.path("metadata").path("resourceVersion").asText());
        return ref;
    }

    /** "Complete" or "Failed" when the job finished, else null. */
    static String finishedCondition(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            String type = c.path("type").asText();
            if ((type.equals("Complete") || type.equals("Failed")) && c.path("status").asText().equals("True")) return type;
        }
        return null;
    }

    private boolean isActive(String uid) {
        for (JsonNode ref : active) if (ref.path("uid").asText().equals(uid)) return true;
        return false;
    }

    private boolean isActiveName(String jobName) {
        for (JsonNode ref : active) if (ref.path("name").asText().equals(jobName)) return true;
        return false;
    }

    private void removeActive(String uid) {
        for (int i = active.size() - 1; i >= 0; i--) {
            if (active.get(i).path("uid").asText().equals(uid)) {
                active.remove(i);
                changed = true;
            }
        }
    }

    private static Instant startTime(JsonNode job) {
        String t = job.path("status").path("startTime").asText("");
        return t.isEmpty() ? null : Instant.parse(t);
    }

    private static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    private static List<JsonNode> snapshot(ArrayNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
