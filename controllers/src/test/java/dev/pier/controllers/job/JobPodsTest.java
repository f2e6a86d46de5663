package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JobPodsTest {
    private static ObjectNode job(String name) {
        ObjectNode job = Json.object();
        job.put("apiVersion", "batch/v1").put("kind", "Job");
        job.withObject("metadata").put("name", name).put("uid", "u-1");
        ObjectNode template = job.withObject("spec").withObject("template");
        template.withObject("metadata").withObject("labels").put("batch.kubernetes.io/job-name", name);
        template.withObject("metadata").putArray("finalizers").add("example.com/keep");
        ObjectNode spec = template.withObject("spec");
        spec.putArray("initContainers").addObject().put("name", "init").put("image", "busybox");
        ObjectNode c = spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        c.putArray("env").addObject().put("name", "OTHER").put("value", "x");
        return job;
    }

    @Test
    void podsCarryTheTemplateTheFinalizerAndTheOwner() {
        ObjectNode pod = JobPods.fromTemplate(job("work"), JobPods.NO_INDEX);
        JsonNode meta = pod.path("metadata");
        assertThat(meta.path("generateName").asText()).isEqualTo("work-");
        assertThat(meta.path("labels").path("batch.kubernetes.io/job-name").asText()).isEqualTo("work");
        assertThat(meta.path("finalizers").toString()).isEqualTo("[\"example.com/keep\",\"batch.kubernetes.io/job-tracking\"]");
        assertThat(meta.path("ownerReferences").get(0).path("controller").asBoolean()).isTrue();
        assertThat(meta.has("annotations")).isFalse();
        assertThat(pod.path("spec").has("hostname")).isFalse();
    }

    @Test
    void indexedPodsGetTheirIndexEverywhereKubernetesPutsIt() {
        ObjectNode pod = JobPods.fromTemplate(job("work"), 4);
        assertThat(JobPods.completionIndex(pod)).isEqualTo(4);
        assertThat(pod.at("/metadata/labels/batch.kubernetes.io~1job-completion-index").asText()).isEqualTo("4");
        assertThat(pod.at("/metadata/generateName").asText()).isEqualTo("work-4-");
        assertThat(pod.at("/spec/hostname").asText()).isEqualTo("work-4");
        for (String list : List.of("initContainers", "containers")) {
            JsonNode env = pod.path("spec").path(list).get(0).path("env");
            assertThat(env.findValuesAsText("name")).contains("JOB_COMPLETION_INDEX");
        }
        // a variable of the user's own is kept
        assertThat(pod.at("/spec/containers/0/env/0/name").asText()).isEqualTo("OTHER");
    }

    @Test
    void longNamesKeepTheirIndex() {
        String name = "j".repeat(63);
        assertThat(JobPods.indexedPrefix(name, 12)).hasSize(58).endsWith("j-12-");
        assertThat(JobPods.fromTemplate(job(name), JobPods.NO_INDEX).at("/metadata/generateName").asText()).hasSize(58);
    }

    @Test
    void aPodDeletedBeforeItSucceededCountsAsFailedUnlessOnlyFailedPodsCount() {
        ObjectNode running = Json.object();
        running.withObject("status").put("phase", "Running");
        running.withObject("metadata").put("deletionTimestamp", "2025-03-14T10:00:00Z");
        assertThat(JobPods.isFailed(running, false)).isTrue();
        assertThat(JobPods.isFailed(running, true)).isFalse();
        assertThat(JobPods.isTerminating(running)).isTrue();
        ObjectNode failed = Json.object();
        failed.withObject("status").put("phase", "Failed");
        assertThat(JobPods.isFailed(failed, true)).isTrue();
        assertThat(JobPods.isTerminating(failed)).isFalse();
    }

    @Test
    void finishTimeComesFromContainersThenReadinessThenDeletion() {
        ObjectNode pod = Json.object();
        pod.withObject("metadata").put("creationTimestamp", "2025-03-14T09:00:00Z");
        assertThat(JobPods.finishedAt(pod)).isEqualTo(Instant.parse("2025-03-14T09:00:00Z"));
        pod.withObject("metadata").put("deletionTimestamp", "2025-03-14T09:10:30Z").put("deletionGracePeriodSeconds", 30);
        assertThat(JobPods.finishedAt(pod)).isEqualTo(Instant.parse("2025-03-14T09:10:00Z"));
        pod.withObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "False")
                .put("lastTransitionTime", "2025-03-14T09:05:00Z");
        assertThat(JobPods.finishedAt(pod)).isEqualTo(Instant.parse("2025-03-14T09:05:00Z"));
        pod.withObject("status").putArray("containerStatuses").addObject()
                .putObject("state").putObject("terminated").put("finishedAt", "2025-03-14T09:04:00Z");
        assertThat(JobPods.finishedAt(pod)).isEqualTo(Instant.parse("2025-03-14T09:04:00Z"));
    }

    @Test
    void removalStartsWithTheLeastUsefulPods() {
        ObjectNode unscheduled = pod("a", "", "Pending", false, "2025-03-14T09:00:00Z");
        ObjectNode pending = pod("b", "n1", "Pending", false, "2025-03-14T09:00:00Z");
        ObjectNode notReady = pod("c", "n1", "Running", false, "2025-03-14T09:00:00Z");
        ObjectNode readyNew = pod("d", "n1", "Running", true, "2025-03-14T09:30:00Z");
        ObjectNode readyOld = pod("e", "n1", "Running", true, "2025-03-14T09:00:00Z");
        List<ObjectNode> all = new ArrayList<>(List.of(readyOld, readyNew, notReady, pending, unscheduled));
        all.sort(JobPods.REMOVE_FIRST);
        assertThat(all).extracting(p -> p.at("/metadata/name").asText()).containsExactly("a", "b", "c", "d", "e");
    }

    private static ObjectNode pod(String name, String node, String phase, boolean ready, String readySince) {
        ObjectNode pod = Json.object();
        pod.withObject("metadata").put("name", name).put("creationTimestamp", "2025-03-14T08:00:00Z");
        pod.withObject("spec").put("nodeName", node);
        ObjectNode status = pod.withObject("status").put("phase", phase);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False")
                .put("lastTransitionTime", readySince);
        return pod;
    }
}
