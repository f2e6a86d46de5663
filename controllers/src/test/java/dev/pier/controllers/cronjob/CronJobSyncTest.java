package dev.pier.controllers.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.controllers.runtime.Owners;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** CronJob syncs with a fixed time and a fake API: which jobs start, which go, and what the status says. */
class CronJobSyncTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Instant CREATED = Instant.parse("2025-03-14T10:00:30Z");
    /** 10:01:00, in minutes since the epoch: the name suffix of the first job of an every-minute schedule. */
    private static final long FIRST_MINUTE = Instant.parse("2025-03-14T10:01:00Z").getEpochSecond() / 60;

    /** The API as a CronJob sync sees it: jobs by name, and what was done. */
    private static final class FakeApi implements CronJobActions {
        final Map<String, ObjectNode> jobs = new LinkedHashMap<>();
        final List<String> created = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        private int uids;

        @Override
        public ObjectNode createJob(ObjectNode job) {
            String name = job.path("metadata").path("name").asText();
            if (jobs.containsKey(name)) throw ApiException.alreadyExists("batch", "jobs", name);
            ObjectNode stored = job.deepCopy();
            stored.withObject("metadata").put("namespace", "default").put("uid", "job-uid-" + (++uids)).put("resourceVersion", "7");
            jobs.put(name, stored);
            created.add(name);
            return stored.deepCopy();
        }

        @Override
        public Optional<ObjectNode> getJob(String name) {
            return Optional.ofNullable(jobs.get(name)).map(ObjectNode::deepCopy);
        }

        @Override
        public void deleteJob(ObjectNode job) {
            String name = job.path("metadata").path("name").asText();
            jobs.remove(name);
            deleted.add(name);
        }

        @Override
        public void event(String type, String reason, String message) {
            events.add(type + " " + reason + ": " + message);
        }

        List<ObjectNode> children() {
            return jobs.values().stream().map(ObjectNode::deepCopy).toList();
        }

        void finish(String name, String condition, Instant at) {
            ObjectNode status = jobs.get(name).withObject("status");
            status.put("startTime", at.minusSeconds(5).toString());
            if (condition.equals("Complete")) status.put("completionTime", at.toString());
            status.putArray("conditions").addObject().put("type", condition).put("status", "True").put("lastTransitionTime", at.toString());
        }
    }

    private final FakeApi api = new FakeApi();

    private static ObjectNode cronJob(String specLines) {
        try {
            ObjectNode cj = (ObjectNode) YAML.readTree("""
                    apiVersion: batch/v1
                    kind: CronJob
                    metadata: {name: tick, namespace: default, uid: cj-uid, creationTimestamp: "%s"}
                    spec:
                    %s
                      successfulJobsHistoryLimit: 3
                      failedJobsHistoryLimit: 1
                      jobTemplate:
                        metadata:
                          labels: {app: tick}
                          annotations: {note: kept}
                        spec:
                          template:
                            spec:
                              restartPolicy: Never
                              containers: [{name: c, image: busybox}]
                    status: {}
                    """.formatted(CREATED, specLines.indent(2).stripTrailing()));
            return cj;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One sync at {@code now}; the status it writes becomes the CronJob's. */
    private CronJobSync.Outcome sync(ObjectNode cj, Instant now) {
        CronJobSync.Outcome out = new CronJobSync(cj, api.children(), now, ZoneOffset.UTC, api).run();
        cj.set("status", out.status());
        return out;
    }

    private static Instant at(String time) {
        return Instant.parse("2025-03-14T" + time + "Z");
    }

    @Test
    void anActivationStartsOneJobNamedAfterItsMinute() {
        ObjectNode cj = cronJob("schedule: '* * * * *'");
        CronJobSync.Outcome early = sync(cj, at("10:00:45"));
        assertThat(api.created).isEmpty();
        assertThat(early.requeueAfter()).isEqualTo(Duration.ofSeconds(15).plusMillis(100));

        CronJobSync.Outcome due = sync(cj, at("10:01:00.2"));
        assertThat(api.created).containsExactly("tick-" + FIRST_MINUTE);
        assertThat(due.statusChanged()).isTrue();
        assertThat(cj.at("/status/lastScheduleTime").asText()).isEqualTo("2025-03-14T10:01:00Z");
        JsonNode ref = cj.at("/status/active/0");
        assertThat(ref.path("kind").asText()).isEqualTo("Job");
        assertThat(ref.path("name").asText()).isEqualTo("tick-" + FIRST_MINUTE);
        assertThat(ref.path("uid").asText()).isEqualTo("job-uid-1");
        assertThat(due.requeueAfter()).isEqualTo(Duration.ofSeconds(60).minusMillis(200).plusMillis(100));
        assertThat(api.events).contains("Normal SuccessfulCreate: Created job tick-" + FIRST_MINUTE);

        JsonNode job = api.jobs.get("tick-" + FIRST_MINUTE);
        assertThat(job.at("/metadata/labels/app").asText()).isEqualTo("tick");
        assertThat(job.at("/metadata/annotations/note").asText()).isEqualTo("kept");
        assertThat(job.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp").asText()).isEqualTo("2025-03-14T10:01:00Z");
        assertThat(Owners.isControlledBy(job, "cj-uid")).isTrue();
        assertThat(job.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");

        // syncing again within the minute starts nothing more
        assertThat(sync(cj, at("10:01:20")).statusChanged()).isFalse();
        assertThat(api.created).hasSize(1);
    }

    @Test
    void finishedJobsLeaveTheActiveListAndSuccessesAreRemembered() {
        ObjectNode cj = cronJob("schedule: '* * * * *'");
        sync(cj, at("10:01:01"));
        api.finish("tick-" + FIRST_MINUTE, "Complete", at("10:01:30"));
        sync(cj, at("10:01:31"));
        assertThat(cj.path("status").has("active")).isFalse();
        assertThat(cj.at("/status/lastSuccessfulTime").asText()).isEqualTo("2025-03-14T10:01:30Z");
        assertThat(api.events).contains("Normal SawCompletedJob: Saw completed job: tick-" + FIRST_MINUTE + ", condition: Complete");
    }

    @Test
    void forbidSkipsAnActivationWhileAJobRuns() {
        ObjectNode cj = cronJob("schedule: '* * * * *'\nconcurrencyPolicy: Forbid");
        sync(cj, at("10:01:01"));
        sync(cj, at("10:02:01"));
        assertThat(api.created).containsExactly("tick-" + FIRST_MINUTE);
        assertThat(api.events).contains("Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid");
        assertThat(cj.at("/status/lastScheduleTime").asText()).isEqualTo("2025-03-14T10:01:00Z");
        // once it finished, the next activation starts
        api.finish("tick-" + FIRST_MINUTE, "Failed", at("10:02:30"));
        sync(cj, at("10:03:01"));
        assertThat(api.created).containsExactly("tick-" + FIRST_MINUTE, "tick-" + (FIRST_MINUTE + 2));
    }

    @Test
    void replaceDeletesTheRunningJobForTheNewOne() {
        ObjectNode cj = cronJob("schedule: '* * * * *'\nconcurrencyPolicy: Replace");
        sync(cj, at("10:01:01"));
        sync(cj, at("10:02:01"));
        assertThat(api.deleted).containsExactly("tick-" + FIRST_MINUTE);
        assertThat(api.jobs).containsOnlyKeys("tick-" + (FIRST_MINUTE + 1));
        assertThat(cj.at("/status/active").size()).isEqualTo(1);
        assertThat(cj.at("/status/active/0/name").asText()).isEqualTo("tick-" + (FIRST_MINUTE + 1));
        assertThat(api.events).contains("Normal SuccessfulDelete: Deleted job tick-" + FIRST_MINUTE);
    }

    @Test
    void allowRunsJobsSideBySide() {
        ObjectNode cj = cronJob("schedule: '* * * * *'");
        sync(cj, at("10:01:01"));
        sync(cj, at("10:02:01"));
        assertThat(api.jobs).hasSize(2);
        assertThat(cj.at("/status/active").size()).isEqualTo(2);
    }

    @Test
    void aSuspendedCronJobStartsNothing() {
        ObjectNode cj = cronJob("schedule: '* * * * *'\nsuspend: true");
        CronJobSync.Outcome out = sync(cj, at("10:05:00"));
        assertThat(api.created).isEmpty();
        assertThat(out.requeueAfter()).isNull();
    }

    @Test
    void anActivationPastItsStartingDeadlineIsMissed() {
        ObjectNode cj = cronJob("schedule: '0 * * * *'\nstartingDeadlineSeconds: 30");
        // the 11:00 activation comes to the controller 45 s late
        CronJobSync.Outcome late = sync(cj, at("11:00:45"));
        assertThat(api.created).isEmpty();
        assertThat(late.requeueAfter()).isEqualTo(Duration.ofMinutes(59).plusSeconds(15).plusMillis(100));
        // within the deadline it starts
        sync(cj, at("12:00:20"));
        assertThat(api.created).hasSize(1);
    }

    @Test
    void onlyTheLatestMissedActivationRuns() {
        ObjectNode cj = cronJob("schedule: '@hourly'");
        sync(cj, at("15:20:00"));
        assertThat(api.created).containsExactly("tick-" + at("15:00:00").getEpochSecond() / 60);
    }

    @Test
    void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() {
        ObjectNode cj = cronJob("schedule: '* * * * *'");
        for (int minute = 1; minute <= 5; minute++) {
            sync(cj, at("10:0" + minute + ":01"));
            api.finish("tick-" + (FIRST_MINUTE + minute - 1), minute == 2 || minute == 4 ? "Failed" : "Complete", at("10:0" + minute + ":30"));
        }
        sync(cj, at("10:05:40"));
        // three successes kept (1, 3, 5), one failure kept (the later, 4)
        assertThat(api.jobs.keySet()).containsExactlyInAnyOrder(
                "tick-" + FIRST_MINUTE, "tick-" + (FIRST_MINUTE + 2), "tick-" + (FIRST_MINUTE + 3), "tick-" + (FIRST_MINUTE + 4));
        assertThat(api.deleted).containsExactly("tick-" + (FIRST_MINUTE + 1));
    }

    @Test
    void anActiveJobThatVanishedIsDropped() {
        ObjectNode cj = cronJob("schedule: '0 0 1 1 *'");
        cj.withObject("status").putArray("active").addObject().put("kind", "Job").put("name", "tick-1").put("uid", "gone");
        CronJobSync.Outcome out = sync(cj, at("10:05:00"));
        assertThat(out.statusChanged()).isTrue();
        assertThat(cj.path("status").has("active")).isFalse();
        assertThat(api.events).contains("Normal MissingJob: Active job went missing: tick-1");
    }

    @Test
    void aJobMadeByHandIsReportedButNotAdopted() {
        ObjectNode cj = cronJob("schedule: '0 0 1 1 *'");
        ObjectNode manual = CronJobSync.jobFromTemplate(cj, at("10:00:00"), null);
        manual.withObject("metadata").put("name", "manual");
        api.createJob(manual);
        sync(cj, at("10:05:00"));
        assertThat(api.events).contains("Warning UnexpectedJob: Saw a job that the controller did not create or forgot: manual");
        assertThat(cj.path("status").has("active")).isFalse();
    }

    @Test
    void theScheduledTimestampIsWrittenInTheCronJobsZone() {
        ObjectNode cj = cronJob("schedule: '0 9 * * *'\ntimeZone: Europe/Paris");
        sync(cj, Instant.parse("2025-03-15T08:00:10Z")); // 09:00:10 in Paris
        JsonNode job = api.jobs.values().iterator().next();
        assertThat(job.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp").asText()).isEqualTo("2025-03-15T09:00:00+01:00");
    }
}
