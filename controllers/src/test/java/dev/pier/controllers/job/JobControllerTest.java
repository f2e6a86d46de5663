package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.testing.TestApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Job controller's syncs, one at a time, against a real in-process API with a clock the test moves:
 * pods stand in for a kubelet by having their status written directly.
 */
class JobControllerTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;
    private TestApi api;
    private Informer jobs;
    private Informer pods;
    private WorkQueue<ObjectKey> queue;
    private WorkQueue<ObjectKey> orphanQueue;
    private WorkQueue<ObjectKey> ttlQueue;
    private JobController controller;
    private OrphanPodFinalizers orphans;
    private TtlAfterFinishedController ttl;

    @BeforeEach
    void start() {
        api = new TestApi(dir);
        jobs = api.informer("batch", "jobs");
        pods = api.informer("", "pods");
        queue = new WorkQueue<>("job", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        orphanQueue = new WorkQueue<>("job_orphan_pod", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        ttlQueue = new WorkQueue<>("ttl", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        controller = JobController.create(api.client, jobs, pods, api.events, queue, orphanQueue, api.clock);
        orphans = new OrphanPodFinalizers(api.client, jobs, pods);
        ttl = TtlAfterFinishedController.create(api.client, jobs, ttlQueue, api.clock);
        api.start();
    }

    @AfterEach
    void stop() {
        queue.close();
        orphanQueue.close();
        ttlQueue.close();
        api.close();
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createJob(String name, String specLines) {
        api.create("batch", "jobs", yaml("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: %s}
                spec:
                %s
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: c, image: busybox}]
                """.formatted(name, specLines.indent(2).stripTrailing())));
    }

    private static ObjectKey key(String name) {
        return new ObjectKey(TestApi.CELL, "default", name);
    }

    private Result sync(String name) {
        Result r = controller.sync(key(name));
        api.settle();
        return r;
    }

    private JsonNode job(String name) {
        return jobs.get(key(name)).orElseThrow();
    }

    private JsonNode status(String name) {
        return job(name).path("status");
    }

    /** The job's pods, oldest first. */
    private List<ObjectNode> podsOf(String name) {
        String uid = Owners.uid(job(name));
        return pods.list(TestApi.CELL, "default").stream().filter(p -> Owners.isControlledBy(p, uid))
                .sorted(Comparator.comparing((ObjectNode p) -> p.path("metadata").path("creationTimestamp").asText())
                        .thenComparing(p -> p.path("metadata").path("name").asText()))
                .toList();
    }

    private List<ObjectNode> livePods(String name) {
        return podsOf(name).stream().filter(p -> !p.path("status").path("phase").asText().matches("Succeeded|Failed")).toList();
    }

    /** Reports the pod finished as a kubelet would: its phase, a terminated container, a time. */
    private void finish(JsonNode pod, String phase) {
        ObjectNode next = pod.deepCopy();
        ObjectNode status = next.withObject("status");
        status.put("phase", phase);
        ObjectNode terminated = status.putArray("containerStatuses").addObject()
                .put("name", "c").put("image", "busybox").put("imageID", "").put("ready", false).put("restartCount", 0)
                .putObject("state").putObject("terminated");
        terminated.put("exitCode", phase.equals("Succeeded") ? 0 : 1);
        terminated.put("finishedAt", api.clock.instant().toString());
        api.resource("", "pods").updateStatus(next);
        api.settle();
    }

    private static String condition(JsonNode status, String type, String field) {
        for (JsonNode c : status.path("conditions")) if (c.path("type").asText().equals(type)) return c.path(field).asText();
        return null;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void runsParallelPodsUntilEnoughSucceeded() {
        createJob("three", "completions: 3\nparallelism: 2");
        sync("three");
        List<ObjectNode> first = podsOf("three");
        assertThat(first).hasSize(2).allSatisfy(p -> {
            assertThat(p.path("metadata").path("finalizers").toString()).contains(JobPods.TRACKING_FINALIZER);
            assertThat(p.path("metadata").path("generateName").asText()).isEqualTo("three-");
            assertThat(p.path("metadata").path("ownerReferences").get(0).path("kind").asText()).isEqualTo("Job");
        });
        assertThat(status("three").path("active").asInt()).isEqualTo(2);
        assertThat(status("three").path("startTime").asText()).isEqualTo(TestApi.START.toString());
        assertThat(status("three").path("uncountedTerminatedPods").isObject()).isTrue();

        for (ObjectNode p : first) finish(p, "Succeeded");
        sync("three");
        // both counted and released; one more pod for the third completion
        assertThat(status("three").path("succeeded").asInt()).isEqualTo(2);
        assertThat(status("three").path("uncountedTerminatedPods").size()).isZero();
        assertThat(podsOf("three")).hasSize(3);
        assertThat(first).allSatisfy(p -> assertThat(pods.get(ObjectKey.of(TestApi.CELL, p)).orElseThrow()
                .path("metadata").path("finalizers").toString()).doesNotContain(JobPods.TRACKING_FINALIZER));
        assertThat(status("three").path("active").asInt()).isEqualTo(1);

        api.clock.advance(Duration.ofSeconds(7));
        finish(livePods("three").getFirst(), "Succeeded");
        sync("three");
        JsonNode done = status("three");
        assertThat(done.path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.has("active")).isFalse();
        assertThat(condition(done, "SuccessCriteriaMet", "reason")).isEqualTo("CompletionsReached");
        assertThat(condition(done, "Complete", "status")).isEqualTo("True");
        assertThat(condition(done, "Complete", "message")).isEqualTo("Reached expected number of succeeded pods");
        assertThat(done.path("completionTime").asText()).isEqualTo(TestApi.START.plusSeconds(7).toString());
        assertThat(done.path("ready").asInt()).isZero();
        assertThat(done.path("terminating").asInt()).isZero();

        // a finished job is left alone
        assertThat(sync("three")).isEqualTo(Result.done());
        assertThat(podsOf("three")).hasSize(3);
    }

    @Test
    void failedPodsAreReplacedAfterABackOffUntilTheLimit() {
        createJob("flaky", "backoffLimit: 2");
        sync("flaky");
        finish(podsOf("flaky").getFirst(), "Failed");

        // the first failure waits 10 s before a replacement
        Result wait = sync("flaky");
        assertThat(status("flaky").path("failed").asInt()).isEqualTo(1);
        assertThat(livePods("flaky")).isEmpty();
        assertThat(wait.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
        api.clock.advance(Duration.ofSeconds(4));
        assertThat(sync("flaky").requeueAfter()).isEqualTo(Duration.ofSeconds(6));
        api.clock.advance(Duration.ofSeconds(6));
        sync("flaky");
        assertThat(livePods("flaky")).hasSize(1);

        // the second one in a row waits twice as long
        finish(livePods("flaky").getFirst(), "Failed");
        assertThat(sync("flaky").requeueAfter()).isEqualTo(Duration.ofSeconds(20));
        api.clock.advance(Duration.ofSeconds(20));
        sync("flaky");
        finish(livePods("flaky").getFirst(), "Failed");

        // three failures are more than backoffLimit 2
        sync("flaky");
        JsonNode failed = status("flaky");
        assertThat(failed.path("failed").asInt()).isEqualTo(3);
        assertThat(condition(failed, "FailureTarget", "reason")).isEqualTo("BackoffLimitExceeded");
        assertThat(condition(failed, "Failed", "reason")).isEqualTo("BackoffLimitExceeded");
        assertThat(condition(failed, "Failed", "message")).isEqualTo("Job has reached the specified backoff limit");
        assertThat(failed.has("completionTime")).isFalse();
        assertThat(podsOf("flaky")).hasSize(3).allSatisfy(p ->
                assertThat(p.path("metadata").path("finalizers").toString()).doesNotContain(JobPods.TRACKING_FINALIZER));
    }

    @Test
    void aSuccessResetsTheBackOff() {
        createJob("mixed", "completions: 2\nbackoffLimit: 5");
        sync("mixed");
        finish(podsOf("mixed").getFirst(), "Failed");
        sync("mixed");
        api.clock.advance(Duration.ofSeconds(10));
        sync("mixed");
        api.clock.advance(Duration.ofSeconds(1));
        finish(livePods("mixed").getFirst(), "Succeeded");
        // the success came after the failure: the next pod starts at once
        assertThat(sync("mixed").requeueAfter()).isNull();
        assertThat(livePods("mixed")).hasSize(1);
        assertThat(status("mixed").path("failed").asInt()).isEqualTo(1);
        assertThat(status("mixed").path("succeeded").asInt()).isEqualTo(1);
    }

    @Test
    void anActiveDeadlineFailsTheJobAndDeletesItsPods() {
        createJob("slow", "activeDeadlineSeconds: 30\nparallelism: 2\ncompletions: 4");
        assertThat(sync("slow").requeueAfter()).isEqualTo(Duration.ofSeconds(30));
        api.clock.advance(Duration.ofSeconds(31));
        sync("slow");
        JsonNode ending = status("slow");
        assertThat(condition(ending, "FailureTarget", "reason")).isEqualTo("DeadlineExceeded");
        assertThat(condition(ending, "FailureTarget", "message")).isEqualTo("Job was active longer than specified deadline");
        // its pods were unscheduled: without their finalizer they are gone, counted as failed
        assertThat(podsOf("slow")).isEmpty();
        assertThat(ending.path("failed").asInt()).isEqualTo(2);
        sync("slow");
        assertThat(condition(status("slow"), "Failed", "reason")).isEqualTo("DeadlineExceeded");
    }

    @Test
    void indexedPodsCarryTheirIndexesAndCompleteEachOnce() {
        createJob("idx", "completions: 3\nparallelism: 2\ncompletionMode: Indexed");
        sync("idx");
        List<ObjectNode> first = podsOf("idx");
        assertThat(first).extracting(JobPods::completionIndex).containsExactlyInAnyOrder(0, 1);
        for (ObjectNode p : first) {
            int ix = JobPods.completionIndex(p);
            assertThat(p.path("metadata").path("labels").path(JobPods.COMPLETION_INDEX).asText()).isEqualTo(Integer.toString(ix));
            assertThat(p.path("metadata").path("generateName").asText()).isEqualTo("idx-" + ix + "-");
            assertThat(p.path("spec").path("hostname").asText()).isEqualTo("idx-" + ix);
            JsonNode env = p.path("spec").path("containers").get(0).path("env").get(0);
            assertThat(env.path("name").asText()).isEqualTo("JOB_COMPLETION_INDEX");
            assertThat(env.path("valueFrom").path("fieldRef").path("fieldPath").asText())
                    .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        }
        ObjectNode one = first.stream().filter(p -> JobPods.completionIndex(p) == 1).findFirst().orElseThrow();
        finish(one, "Succeeded");
        sync("idx");
        assertThat(status("idx").path("completedIndexes").asText()).isEqualTo("1");
        assertThat(status("idx").path("succeeded").asInt()).isEqualTo(1);
        assertThat(livePods("idx")).extracting(JobPods::completionIndex).containsExactlyInAnyOrder(0, 2);

        for (ObjectNode p : livePods("idx")) finish(p, "Succeeded");
        sync("idx");
        assertThat(status("idx").path("completedIndexes").asText()).isEqualTo("0-2");
        assertThat(condition(status("idx"), "Complete", "status")).isEqualTo("True");
    }

    @Test
    void aFailedIndexIsRunAgain() {
        createJob("again", "completions: 2\nparallelism: 2\ncompletionMode: Indexed\nbackoffLimit: 3");
        sync("again");
        ObjectNode zero = podsOf("again").stream().filter(p -> JobPods.completionIndex(p) == 0).findFirst().orElseThrow();
        finish(zero, "Failed");
        sync("again");
        api.clock.advance(Duration.ofSeconds(10));
        sync("again");
        assertThat(livePods("again")).extracting(JobPods::completionIndex).containsExactlyInAnyOrder(0, 1);
        assertThat(status("again").path("failed").asInt()).isEqualTo(1);
    }

    @Test
    void aSuspendedJobRunsNothingUntilResumed() {
        createJob("later", "suspend: true");
        sync("later");
        assertThat(podsOf("later")).isEmpty();
        assertThat(status("later").has("startTime")).isFalse();
        assertThat(condition(status("later"), "Suspended", "status")).isEqualTo("True");
        assertThat(condition(status("later"), "Suspended", "reason")).isEqualTo("JobSuspended");

        api.clock.advance(Duration.ofMinutes(1));
        ObjectNode resumed = job("later").deepCopy();
        resumed.withObject("spec").put("suspend", false);
        api.resource("batch", "jobs").update(resumed);
        api.settle();
        sync("later");
        assertThat(podsOf("later")).hasSize(1);
        assertThat(condition(status("later"), "Suspended", "status")).isEqualTo("False");
        assertThat(condition(status("later"), "Suspended", "reason")).isEqualTo("JobResumed");
        assertThat(status("later").path("startTime").asText()).isEqualTo(TestApi.START.plusSeconds(60).toString());

        // suspending again deletes the running pod, which is not counted as a failure
        ObjectNode suspended = job("later").deepCopy();
        suspended.withObject("spec").put("suspend", true);
        api.resource("batch", "jobs").update(suspended);
        api.settle();
        sync("later");
        assertThat(podsOf("later")).isEmpty();
        assertThat(status("later").has("failed")).isFalse();
        assertThat(condition(status("later"), "Suspended", "status")).isEqualTo("True");
    }

    @Test
    void aJobWithItsOwnSelectorAdoptsAndReleasesPods() {
        api.create("", "pods", yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stray, labels: {app: batch}, finalizers: [example.com/keep]}
                spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """));
        api.create("batch", "jobs", yaml("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: adopter}
                spec:
                  manualSelector: true
                  selector: {matchLabels: {app: batch}}
                  template:
                    metadata: {labels: {app: batch}}
                    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """));
        sync("adopter");
        // the orphan is adopted, tracked, and counts as the one active pod
        assertThat(podsOf("adopter")).singleElement().satisfies(p -> {
            assertThat(p.path("metadata").path("name").asText()).isEqualTo("stray");
            assertThat(p.path("metadata").path("finalizers").toString())
                    .isEqualTo("[\"example.com/keep\",\"batch.kubernetes.io/job-tracking\"]");
        });
        assertThat(status("adopter").path("active").asInt()).isEqualTo(1);

        // once it stops matching it is released, losing the tracking finalizer only, and replaced
        ObjectNode relabelled = pods.get(new ObjectKey(TestApi.CELL, "default", "stray")).orElseThrow().deepCopy();
        relabelled.withObject("metadata").withObject("labels").put("app", "other");
        api.resource("", "pods").update(relabelled);
        api.settle();
        sync("adopter");
        JsonNode released = pods.get(new ObjectKey(TestApi.CELL, "default", "stray")).orElseThrow();
        assertThat(released.path("metadata").has("ownerReferences") && !released.path("metadata").path("ownerReferences").isEmpty()).isFalse();
        assertThat(released.path("metadata").path("finalizers").toString()).isEqualTo("[\"example.com/keep\"]");
        assertThat(podsOf("adopter")).singleElement().satisfies(p ->
                assertThat(p.path("metadata").path("generateName").asText()).isEqualTo("adopter-"));
    }

    @Test
    void podsOfADeletedJobLoseTheirFinalizer() {
        createJob("dropped", "parallelism: 2\ncompletions: 2");
        sync("dropped");
        List<ObjectNode> left = podsOf("dropped");
        api.resource("batch", "jobs").delete("default", "dropped", new DeleteOptions("", "", -1, "Orphan", false));
        api.settle();
        // the orphan finalizer waits for the garbage collector, which this test plays: it orphans the pods
        for (ObjectNode p : left) {
            ObjectNode orphaned = pods.get(ObjectKey.of(TestApi.CELL, p)).orElseThrow().deepCopy();
            orphaned.withObject("metadata").remove("ownerReferences");
            api.resource("", "pods").update(orphaned);
        }
        api.settle();
        for (ObjectNode p : left) orphans.sync(ObjectKey.of(TestApi.CELL, p));
        api.settle();
        assertThat(left).allSatisfy(p -> assertThat(pods.get(ObjectKey.of(TestApi.CELL, p)).orElseThrow()
                .path("metadata").path("finalizers").toString()).doesNotContain(JobPods.TRACKING_FINALIZER));
    }

    @Test
    void aFinishedJobIsDeletedWhenItsTtlRunsOut() {
        createJob("brief", "ttlSecondsAfterFinished: 60");
        sync("brief");
        finish(podsOf("brief").getFirst(), "Succeeded");
        sync("brief");
        assertThat(condition(status("brief"), "Complete", "status")).isEqualTo("True");
        Instant finishedAt = Instant.parse(condition(status("brief"), "Complete", "lastTransitionTime"));
        assertThat(TtlAfterFinishedController.expiresAt(job("brief"))).contains(finishedAt.plusSeconds(60));

        assertThat(ttl.sync(key("brief")).requeueAfter()).isEqualTo(Duration.ofSeconds(60));
        api.clock.advance(Duration.ofSeconds(61));
        ttl.sync(key("brief"));
        api.settle();
        // deleted in the foreground: marked until the garbage collector has removed its pods
        JsonNode deleting = job("brief");
        assertThat(deleting.path("metadata").path("deletionTimestamp").isMissingNode()).isFalse();
        assertThat(deleting.path("metadata").path("finalizers").toString()).contains("foregroundDeletion");
    }
}
