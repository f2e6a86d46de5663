package dev.pier.apiserver.resources.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.apps.WorkloadRules;

import java.util.List;
import java.util.Map;

/**
 * The job spec rules Jobs and CronJobs' job templates share, and the labels and selector Kubernetes
 * generates for a Job so that its pods are found by its uid and never by another job's selector.
 */
final class JobRules {
    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String LEGACY_CONTROLLER_UID = "controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    static final String LEGACY_JOB_NAME = "job-name";

    private JobRules() {
    }

    /** Validation common to a Job's spec and a CronJob's {@code jobTemplate.spec}. */
    static void spec(List<FieldError> errs, JsonNode spec, FieldPath path) {
        for (String f : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished")) {
            Check.nonNegative(errs, spec, f, path.child(f));
        }
        Check.oneOf(errs, spec, "completionMode", path.child("completionMode"), false, List.of("Indexed", "NonIndexed"));
        if (Tree.text(spec, "completionMode").equals("Indexed") && !Tree.isSet(spec, "completions")) {
            errs.add(FieldError.required(path.child("completions"), "when completion mode is Indexed"));
        }
        Check.oneOf(errs, spec, "podReplacementPolicy", path.child("podReplacementPolicy"), false, List.of("Failed", "TerminatingOrFailed"));
        WorkloadRules.template(errs, spec.path("template"), path.child("template"));
        String policy = Tree.text(spec.path("template").path("spec"), "restartPolicy");
        if (!policy.equals("OnFailure") && !policy.equals("Never")) {
            errs.add(FieldError.notSupported(path.child("template").child("spec").child("restartPolicy"), policy, List.of("OnFailure", "Never")));
        }
    }

    /**
     * Unless the user manages the selector, labels the template with the job's uid and name (both the
     * current and legacy keys) and selects on the uid; the store has set the uid before this runs.
     */
    static void generateSelector(ObjectNode job) {
        ObjectNode spec = Tree.obj(job, "spec");
        if (Tree.bool(spec, "manualSelector")) return;
        String uid = Tree.text(job.path("metadata"), "uid");
        String name = Tree.text(job.path("metadata"), "name");
        ObjectNode labels = Tree.obj(Tree.obj(Tree.obj(spec, "template"), "metadata"), "labels");
        for (String key : List.of(LEGACY_JOB_NAME, JOB_NAME)) if (!labels.has(key)) labels.put(key, name);
        for (String key : List.of(LEGACY_CONTROLLER_UID, CONTROLLER_UID)) if (!labels.has(key)) labels.put(key, uid);
        ObjectNode matchLabels = Tree.obj(Tree.obj(spec, "selector"), "matchLabels");
        if (!matchLabels.has(CONTROLLER_UID)) matchLabels.put(CONTROLLER_UID, uid);
    }

    /**
     * The generated labels must be there (a user's labels could have clashed) and the selector must be
     * exactly the generated one; a selector of the user's own needs {@code manualSelector: true}.
     *
     * @param batchLabels whether the {@code batch.kubernetes.io/} keys are required (jobs made before them lack them)
     */
    static void generatedSelector(List<FieldError> errs, ObjectNode job, boolean batchLabels) {
        JsonNode spec = job.path("spec");
        if (Tree.bool(spec, "manualSelector")) return;
        String uid = Tree.text(job.path("metadata"), "uid");
        String name = Tree.text(job.path("metadata"), "name");
        FieldPath meta = FieldPath.root("spec").child("template").child("metadata");
        JsonNode labels = spec.path("template").path("metadata").get("labels");
        hasLabel(errs, labels, meta, LEGACY_CONTROLLER_UID, uid);
        hasLabel(errs, labels, meta, LEGACY_JOB_NAME, name);
        if (batchLabels) {
            hasLabel(errs, labels, meta, CONTROLLER_UID, uid);
            hasLabel(errs, labels, meta, JOB_NAME, name);
        }
        JsonNode selector = spec.get("selector");
        Map<String, String> expected = Map.of(batchLabels ? CONTROLLER_UID : LEGACY_CONTROLLER_UID, uid);
        if (selector == null || selector.isNull()) return;
        if (Tree.size(selector, "matchExpressions") > 0 || !Tree.stringMap(selector.get("matchLabels")).equals(expected)) {
            errs.add(FieldError.invalid(FieldPath.root("spec").child("selector"), selector, "`selector` not auto-generated"));
        }
    }

    private static void hasLabel(List<FieldError> errs, JsonNode labels, FieldPath meta, String key, String expected) {
        Map<String, String> m = Tree.stringMap(labels);
        if (!m.containsKey(key)) errs.add(FieldError.required(meta.child("labels").key(key), "must be '" + expected + "'"));
        else if (!m.get(key).equals(expected)) errs.add(FieldError.invalid(meta.child("labels").key(key), labels, "must be '" + expected + "'"));
    }

    /** A Job's selector is required and must select its template's labels. */
    static void selectorMatches(List<FieldError> errs, JsonNode spec) {
        JsonNode selector = spec.get("selector");
        FieldPath path = FieldPath.root("spec").child("selector");
        if (selector == null || selector.isNull()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        LabelSelectors.validate(errs, selector, path);
        JsonNode labels = spec.path("template").path("metadata").get("labels");
        if (!LabelSelectors.matches(selector, labels)) {
            errs.add(FieldError.invalid(FieldPath.root("spec").child("template").child("metadata").child("labels"), labels,
                    "`selector` does not match template `labels`"));
        }
    }
}
