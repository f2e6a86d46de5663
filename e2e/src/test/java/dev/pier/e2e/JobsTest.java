package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.simulator.Clients;
import dev.pier.simulator.SimulatedNodes;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs and CronJobs driven by real kubectl against a real {@code pier server}, with simulated nodes (a test
 * tool) whose pods finish when annotated {@code simulator.pier.dev/exit-after}: completions and
 * parallelism, the backoff limit, Indexed jobs, ttlSecondsAfterFinished, {@code kubectl create job} (also
 * {@code --from=cronjob}), and CronJobs firing on their schedule under each concurrency policy. Runs on
 * SQLite and on etcd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /** A CronJob scheduled every minute fires within a minute, plus the controller's and the test's slack. */
    private static final Duration NEXT_MINUTE = Duration.ofSeconds(80);

    protected abstract KubectlTest.Cluster startCluster(Path work) throws Exception;

    private Path work;
    private KubectlTest.Cluster cluster;
    private Kubectl kubectl;
    private KubernetesClient client;
    private SimulatedNodes nodes;
    private final AtomicInteger namespaces = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        cluster = startCluster(work);
        kubectl = new Kubectl(cluster.kubeconfig(), work.resolve("kubectl"));
        client = Clients.fromKubeconfig(cluster.kubeconfig());
        nodes = SimulatedNodes.start(client, "sim", 2, SimulatedNodes.Shape.DEFAULT, Map.of(), Duration.ofSeconds(2));
    }

    @AfterAll
    void stop() throws Exception {
        if (nodes != null) nodes.close();
        if (client != null) client.close();
        if (cluster != null) cluster.resources().close();
        TempDirs.delete(work);
    }

    private String newNamespace() {
        String ns = "jobs-" + namespaces.incrementAndGet();
        kubectl.ok("create", "namespace", ns);
        return ns;
    }

    private JsonNode json(String... args) {
        try {
            return JSON.readTree(kubectl.ok(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<JsonNode> items(String ns, String resource, String... selector) {
        List<String> args = new ArrayList<>(List.of("get", resource, "-n", ns, "-o", "json"));
        args.addAll(List.of(selector));
        List<JsonNode> out = new ArrayList<>();
        json(args.toArray(String[]::new)).path("items").forEach(out::add);
        return out;
    }

    private JsonNode job(String ns, String name) {
        return json("get", "job", name, "-n", ns, "-o", "json");
    }

    private void apply(String manifest) {
        kubectl.runWithInput(manifest, "apply", "-f", "-").assertOk();
    }

    /** {@code kubectl wait} for a job condition, as a user scripts it. */
    private void waitFor(String ns, String job, String condition) {
        kubectl.run(null, Duration.ofSeconds(100), "wait", "--for=condition=" + condition, "job/" + job, "-n", ns, "--timeout=90s")
                .assertOk();
    }

    private static String condition(JsonNode object, String type, String field) {
        for (JsonNode c : object.at("/status/conditions")) if (c.path("type").asText().equals(type)) return c.path(field).asText();
        return null;
    }

    /** A Job whose pods finish {@code exitAfter} after they start, with {@code exitCode}. */
    private static String job(String ns, String name, String specLines, String exitAfter, int exitCode) {
        return """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: %s, namespace: %s}
                spec:
                %s
                  template:
                    metadata:
                      annotations: {simulator.pier.dev/exit-after: "%s", simulator.pier.dev/exit-code: "%d"}
                    spec:
                      restartPolicy: Never
                      containers: [{name: work, image: busybox, command: [sh, -c, "exit %d"]}]
                """.formatted(name, ns, specLines.indent(2).stripTrailing(), exitAfter, exitCode, exitCode);
    }

    @Test
    void parallelJobRunsItsCompletions() {
        String ns = newNamespace();
        apply(job(ns, "three", "completions: 3\nparallelism: 2", "1s", 0));
        waitFor(ns, "three", "complete");

        JsonNode done = job(ns, "three");
        assertThat(done.at("/status/succeeded").asInt()).isEqualTo(3);
        assertThat(done.at("/status/failed").isMissingNode()).isTrue();
        assertThat(done.at("/status/uncountedTerminatedPods").isObject()).isTrue();
        assertThat(done.at("/status/uncountedTerminatedPods").size()).isZero();
        assertThat(condition(done, "SuccessCriteriaMet", "reason")).isEqualTo("CompletionsReached");
        assertThat(condition(done, "Complete", "status")).isEqualTo("True");
        assertThat(done.at("/status/completionTime").asText()).isNotEmpty();
        // kubectl's own columns: 3/3 completions and a duration
        String table = kubectl.ok("get", "jobs", "-n", ns);
        assertThat(table).contains("COMPLETIONS").contains("DURATION").containsPattern("three\\s+Complete\\s+3/3\\s+\\d+s");

        List<JsonNode> pods = items(ns, "pods", "-l", "batch.kubernetes.io/job-name=three");
        assertThat(pods).hasSize(3).allSatisfy(p -> {
            assertThat(p.at("/status/phase").asText()).isEqualTo("Succeeded");
            assertThat(p.at("/metadata/finalizers").toString()).doesNotContain("batch.kubernetes.io/job-tracking");
            assertThat(p.at("/status/containerStatuses/0/state/terminated/reason").asText()).isEqualTo("Completed");
        });
        assertThat(kubectl.ok("describe", "job", "three", "-n", ns)).contains("SuccessfulCreate").contains("Completed");
    }

    @Test
    void kubectlCreateJobCompletesOnceItsPodExits() {
        String ns = newNamespace();
        assertThat(kubectl.ok("create", "job", "hello", "--image=busybox", "-n", ns, "--", "echo", "hi"))
                .contains("job.batch/hello created");
        Await.until(SETTLE, "hello's pod running", () -> items(ns, "pods", "-l", "batch.kubernetes.io/job-name=hello").stream()
                .anyMatch(p -> p.at("/status/phase").asText().equals("Running")));
        // while it runs, the pod carries the tracking finalizer
        assertThat(items(ns, "pods", "-l", "batch.kubernetes.io/job-name=hello").getFirst().at("/metadata/finalizers").toString())
                .contains("batch.kubernetes.io/job-tracking");
        assertThat(kubectl.ok("get", "job", "hello", "-n", ns)).containsPattern("hello\\s+Running\\s+0/1");
        kubectl.ok("annotate", "pods", "-l", "batch.kubernetes.io/job-name=hello", "-n", ns, "simulator.pier.dev/exit-after=0s");
        waitFor(ns, "hello", "complete");
        assertThat(kubectl.ok("get", "job", "hello", "-n", ns)).containsPattern("hello\\s+Complete\\s+1/1");
    }

    @Test
    void failingJobStopsAtItsBackoffLimit() {
        String ns = newNamespace();
        apply(job(ns, "doomed", "backoffLimit: 1", "1s", 3));
        waitFor(ns, "doomed", "failed");

        JsonNode failed = job(ns, "doomed");
        assertThat(condition(failed, "Failed", "reason")).isEqualTo("BackoffLimitExceeded");
        assertThat(condition(failed, "Failed", "message")).isEqualTo("Job has reached the specified backoff limit");
        assertThat(condition(failed, "FailureTarget", "reason")).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.at("/status/failed").asInt()).isEqualTo(2);
        assertThat(failed.at("/status/succeeded").isMissingNode()).isTrue();
        List<JsonNode> pods = items(ns, "pods", "-l", "batch.kubernetes.io/job-name=doomed");
        assertThat(pods).hasSize(2).allSatisfy(p -> {
            assertThat(p.at("/status/phase").asText()).isEqualTo("Failed");
            assertThat(p.at("/status/containerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(3);
        });
        assertThat(kubectl.ok("get", "job", "doomed", "-n", ns)).containsPattern("doomed\\s+Failed\\s+0/1");
        assertThat(kubectl.ok("get", "events", "-n", ns)).contains("BackoffLimitExceeded");
    }

    @Test
    void indexedJobGivesEachPodItsIndex() {
        String ns = newNamespace();
        apply(job(ns, "idx", "completions: 3\nparallelism: 3\ncompletionMode: Indexed", "1s", 0));
        waitFor(ns, "idx", "complete");
        assertThat(job(ns, "idx").at("/status/completedIndexes").asText()).isEqualTo("0-2");

        List<JsonNode> pods = items(ns, "pods", "-l", "batch.kubernetes.io/job-name=idx");
        assertThat(pods).hasSize(3);
        Set<String> indexes = new HashSet<>();
        for (JsonNode p : pods) {
            String index = p.at("/metadata/annotations/batch.kubernetes.io~1job-completion-index").asText();
            indexes.add(index);
            assertThat(p.at("/metadata/labels/batch.kubernetes.io~1job-completion-index").asText()).isEqualTo(index);
            assertThat(p.at("/metadata/name").asText()).startsWith("idx-" + index + "-");
            assertThat(p.at("/spec/hostname").asText()).isEqualTo("idx-" + index);
            assertThat(p.at("/spec/containers/0/env").toString()).contains("JOB_COMPLETION_INDEX")
                    .contains("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        }
        assertThat(indexes).containsExactlyInAnyOrder("0", "1", "2");
        // and kubectl finds them by the index label
        assertThat(items(ns, "pods", "-l", "batch.kubernetes.io/job-completion-index=1")).hasSize(1);
    }

    @Test
    void finishedJobIsDeletedAfterItsTtl() {
        String ns = newNamespace();
        apply(job(ns, "brief", "ttlSecondsAfterFinished: 2", "0s", 0));
        waitFor(ns, "brief", "complete");
        Await.until(SETTLE, "job brief and its pod deleted", () -> items(ns, "jobs").isEmpty() && items(ns, "pods").isEmpty());
    }

    @Test
    void kubectlCreatesAJobFromACronJob() {
        String ns = newNamespace();
        apply(cronJob(ns, "nightly", "0 3 * * *", "Allow", "1s"));
        assertThat(kubectl.ok("create", "job", "by-hand", "--from=cronjob/nightly", "-n", ns)).contains("job.batch/by-hand created");
        waitFor(ns, "by-hand", "complete");
        JsonNode job = job(ns, "by-hand");
        assertThat(job.at("/metadata/annotations/cronjob.kubernetes.io~1instantiate").asText()).isEqualTo("manual");
        assertThat(job.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("CronJob");
        // not started by the schedule: the CronJob lists no activation
        assertThat(json("get", "cronjob", "nightly", "-n", ns, "-o", "json").at("/status/lastScheduleTime").isMissingNode()).isTrue();
    }

    @Test
    void cronJobsFireEveryMinuteUnderTheirConcurrencyPolicies() {
        String ns = newNamespace();
        // one finishing quickly, two whose jobs run until replaced or deleted
        apply(cronJob(ns, "quick", "* * * * *", "Allow", "1s"));
        apply(cronJob(ns, "single", "* * * * *", "Forbid", null));
        apply(cronJob(ns, "swap", "* * * * *", "Replace", null));

        Await.until(NEXT_MINUTE, "each CronJob started a job", () -> {
            List<JsonNode> jobs = items(ns, "jobs");
            return List.of("quick", "single", "swap").stream().allMatch(cj -> jobs.stream().anyMatch(j -> ownedBy(j, cj)));
        });
        List<JsonNode> first = items(ns, "jobs");
        JsonNode quickJob = first.stream().filter(j -> ownedBy(j, "quick")).findFirst().orElseThrow();
        String minute = quickJob.at("/metadata/name").asText().substring("quick-".length());
        assertThat(minute).matches("\\d{8}");
        assertThat(quickJob.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp").asText())
                .isEqualTo(java.time.Instant.ofEpochSecond(Long.parseLong(minute) * 60).toString());
        String singleFirst = name(first, "single");
        String swapFirst = name(first, "swap");
        assertThat(singleFirst).isEqualTo("single-" + minute);
        assertThat(swapFirst).isEqualTo("swap-" + minute);
        Await.until(SETTLE, "quick's job completed and seen", () ->
                !json("get", "cronjob", "quick", "-n", ns, "-o", "json").at("/status/lastSuccessfulTime").isMissingNode());
        assertThat(kubectl.ok("get", "cronjob", "single", "-n", ns)).containsPattern("single\\s+\\* \\* \\* \\* \\*\\s+<none>\\s+False\\s+1\\s");

        // at the next minute: Replace swaps its running job for a new one, Forbid starts nothing
        Await.until(NEXT_MINUTE, "swap's job replaced", () -> {
            List<JsonNode> jobs = items(ns, "jobs");
            return jobs.stream().noneMatch(j -> j.at("/metadata/name").asText().equals(swapFirst))
                    && jobs.stream().anyMatch(j -> ownedBy(j, "swap"));
        });
        Await.until(SETTLE, "Forbid reported the activation it skipped", () ->
                kubectl.ok("describe", "cronjob", "single", "-n", ns).contains("JobAlreadyActive"));
        List<JsonNode> singles = items(ns, "jobs").stream().filter(j -> ownedBy(j, "single")).toList();
        assertThat(singles).extracting(j -> j.at("/metadata/name").asText()).containsExactly(singleFirst);
        JsonNode swap = json("get", "cronjob", "swap", "-n", ns, "-o", "json");
        assertThat(swap.at("/status/active").size()).isEqualTo(1);
        assertThat(swap.at("/status/active/0/name").asText()).isNotEqualTo(swapFirst);
        assertThat(kubectl.ok("describe", "cronjob", "swap", "-n", ns)).contains("SuccessfulDelete").contains("Deleted job " + swapFirst);
    }

    private static boolean ownedBy(JsonNode job, String cronJob) {
        JsonNode ref = job.at("/metadata/ownerReferences/0");
        return ref.path("kind").asText().equals("CronJob") && ref.path("name").asText().equals(cronJob);
    }

    private static String name(List<JsonNode> jobs, String cronJob) {
        return jobs.stream().filter(j -> ownedBy(j, cronJob)).findFirst().orElseThrow().at("/metadata/name").asText();
    }

    /** A CronJob whose pods finish {@code exitAfter} after they start, or run until deleted when it is null. */
    private static String cronJob(String ns, String name, String schedule, String policy, String exitAfter) {
        String annotations = exitAfter == null ? "{}" : "{simulator.pier.dev/exit-after: \"" + exitAfter + "\"}";
        return """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: %s, namespace: %s}
                spec:
                  schedule: "%s"
                  concurrencyPolicy: %s
                  jobTemplate:
                    spec:
                      template:
                        metadata:
                          annotations: %s
                        spec:
                          restartPolicy: Never
                          containers: [{name: work, image: busybox}]
                """.formatted(name, ns, schedule, policy, annotations);
    }
}
