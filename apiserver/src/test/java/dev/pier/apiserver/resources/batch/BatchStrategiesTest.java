package dev.pier.apiserver.resources.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Harness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static org.assertj.core.api.Assertions.assertThat;

class BatchStrategiesTest {
    private final JobStrategy jobs = new JobStrategy();
    private final CronJobStrategy cronJobs = new CronJobStrategy();

    private static final String PI = """
            metadata: {name: pi}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: pi, image: "perl:5.34"}]
            """;

    @Test
    void jobDefaultsAndGeneratedSelector() {
        ObjectNode job = created(jobs, PI);
        ObjectNode spec = (ObjectNode) job.get("spec");
        assertThat(spec.path("completions").asInt()).isEqualTo(1);
        assertThat(spec.path("parallelism").asInt()).isEqualTo(1);
        assertThat(spec.path("backoffLimit").asInt()).isEqualTo(6);
        assertThat(spec.path("completionMode").asText()).isEqualTo("NonIndexed");
        assertThat(spec.path("suspend").asBoolean()).isFalse();
        assertThat(spec.path("podReplacementPolicy").asText()).isEqualTo("TerminatingOrFailed");
        assertThat(spec.path("selector").toString()).isEqualTo("{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"" + Harness.UID + "\"}}");
        assertThat(spec.path("template").path("metadata").path("labels").toString()).isEqualTo("{\"job-name\":\"pi\","
                + "\"batch.kubernetes.io/job-name\":\"pi\",\"controller-uid\":\"" + Harness.UID + "\",\"batch.kubernetes.io/controller-uid\":\"" + Harness.UID + "\"}");
        assertThat(job.path("metadata").path("labels").path("job-name").asText()).isEqualTo("pi");
        assertThat(createErrors(jobs, PI)).isEmpty();
    }

    @Test
    void jobValidation() {
        assertThat(createErrors(jobs, PI.replace("restartPolicy: Never", "restartPolicy: Always")))
                .containsExactly("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
        assertThat(createErrors(jobs, PI.replace("spec:\n  template:", "spec:\n  selector: {matchLabels: {app: pi}}\n  template:")))
                .anySatisfy(e -> assertThat(e).startsWith("spec.selector: Invalid value:").endsWith("`selector` not auto-generated"));
        assertThat(createErrors(jobs, PI.replace("spec:\n  template:", "spec:\n  manualSelector: true\n  selector: {matchLabels: {app: pi}}\n  template:")))
                .containsExactly("spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`");
        ObjectNode old = created(jobs, PI);
        ObjectNode changed = old.deepCopy();
        changed.withObject("/spec").put("completions", 3);
        assertThat(updateErrors(jobs, old, changed)).containsExactly("spec.completions: Invalid value: 3: field is immutable");
    }

    @Test
    void jobTable() {
        ObjectNode job = created(jobs, PI);
        assertThat(row(jobs.table(), job)).containsEntry("Status", "Running").containsEntry("Completions", "0/1").containsEntry("Duration", "");
        job.withObject("/status").put("succeeded", 1).put("startTime", "2024-05-01T10:00:00Z").put("completionTime", "2024-05-01T10:01:05Z")
                .putArray("conditions").addObject().put("type", "Complete").put("status", "True");
        assertThat(row(jobs.table(), job)).containsEntry("Status", "Complete").containsEntry("Completions", "1/1")
                .containsEntry("Duration", "65s").containsEntry("Containers", "pi").containsEntry("Images", "perl:5.34");
        assertThat(jobs.fieldSelectors().get("status.successful").apply(job)).isEqualTo("1");
        ObjectNode parallel = created(jobs, PI.replace("spec:\n  template:", "spec:\n  parallelism: 3\n  template:"));
        assertThat(JobStrategy.completions(parallel)).isEqualTo("0/1 of 3");
    }

    @Test
    void cronJobs() {
        String nightly = """
                metadata: {name: nightly}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: c, image: busybox}]}}}}
                """;
        ObjectNode cj = created(cronJobs, nightly);
        assertThat(cj.path("spec").path("concurrencyPolicy").asText()).isEqualTo("Allow");
        assertThat(cj.path("spec").path("suspend").asBoolean()).isFalse();
        assertThat(cj.path("spec").path("successfulJobsHistoryLimit").asInt()).isEqualTo(3);
        assertThat(cj.path("spec").path("failedJobsHistoryLimit").asInt()).isEqualTo(1);
        assertThat(createErrors(cronJobs, nightly)).isEmpty();
        String lastHour = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        cj.withObject("/status").put("lastScheduleTime", lastHour).putArray("active").addObject().put("name", "j");
        assertThat(row(cronJobs.table(), cj)).containsEntry("Schedule", "0 3 * * *").containsEntry("Timezone", "<none>")
                .containsEntry("Suspend", "False").containsEntry("Active", "1").containsEntry("Last Schedule", "60m")
                .containsEntry("Containers", "c").containsEntry("Selector", "");
        assertThat(createErrors(cronJobs, nightly.replace("0 3 * * *", "0 3 * *")))
                .containsExactly("spec.schedule: Invalid value: \"0 3 * *\": expected exactly 5 fields, found 4: [0 3 * *]");
        assertThat(createErrors(cronJobs, nightly.replace("0 3 * * *", "61 * * * *")))
                .containsExactly("spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61");
        assertThat(createErrors(cronJobs, nightly.replace("0 3 * * *", "@weekly"))).isEmpty();
        assertThat(createErrors(cronJobs, nightly.replace("0 3 * * *", "*/15 9-17 * JAN-MAR mon,fri"))).isEmpty();
        assertThat(createErrors(cronJobs, nightly.replace("0 3 * * *", "@sometimes")))
                .containsExactly("spec.schedule: Invalid value: \"@sometimes\": unrecognized descriptor: @sometimes");
        assertThat(createErrors(cronJobs, nightly.replace("  schedule:", "  timeZone: Mars/Olympus\n  schedule:")))
                .containsExactly("spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus");
        assertThat(createErrors(cronJobs, nightly.replace("  schedule:", "  timeZone: Europe/Paris\n  schedule:"))).isEmpty();
        assertThat(createErrors(cronJobs, nightly.replace("OnFailure", "Always")))
                .containsExactly("spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    }
}
