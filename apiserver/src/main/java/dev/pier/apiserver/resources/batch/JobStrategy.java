package dev.pier.apiserver.resources.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.apps.WorkloadRules;
import dev.pier.apiserver.resources.core.PodDefaults;
import dev.pier.apiserver.table.Ages;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Jobs: one completion with parallelism 1, six retries, NonIndexed and not suspended by default; a
 * selector generated from the job's uid unless {@code manualSelector}; a template that cannot change
 * once the job has started.
 */
public final class JobStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = WorkloadRules.wideColumns(TableConvertor.builder()
            .column("Status", JobStrategy::status)
            .column("Completions", JobStrategy::completions)
            .column("Duration", o -> Ages.between(Tree.text(o.path("status"), "startTime"), Tree.text(o.path("status"), "completionTime")))
            .age(), true).build();

    @Override
    public void prepareForCreate(ObjectNode job) {
        defaults(job);
        JobRules.generateSelector(job);
        labelsFromTemplate(job);
        job.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode job, ObjectNode old) {
        defaults(job);
    }

    static void defaults(ObjectNode job) {
        ObjectNode spec = Tree.obj(job, "spec");
        if (!Tree.isSet(spec, "completions") && !Tree.isSet(spec, "parallelism")) spec.put("completions", 1);
        Tree.defaultNumber(spec, "parallelism", 1);
        Tree.defaultNumber(spec, "backoffLimit", Tree.isSet(spec, "backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
        labelsFromTemplate(job);
        Tree.defaultText(spec, "completionMode", "NonIndexed");
        Tree.defaultBool(spec, "suspend", false);
        Tree.defaultText(spec, "podReplacementPolicy", Tree.isSet(spec, "podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
        PodDefaults.template(Tree.obj(spec, "template"));
    }

    /** A job without labels of its own takes its template's, as Kubernetes' defaulting does. */
    private static void labelsFromTemplate(ObjectNode job) {
        JsonNode templateLabels = job.path("spec").path("template").path("metadata").get("labels");
        if (Tree.size(job.path("metadata"), "labels") == 0 && templateLabels instanceof ObjectNode l && !l.isEmpty()) {
            Tree.obj(job, "metadata").set("labels", l.deepCopy());
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode job) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = job.path("spec");
        JobRules.generatedSelector(errs, job, true);
        JobRules.selectorMatches(errs, spec);
        JobRules.spec(errs, spec, FieldPath.root("spec"));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode job, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = job.path("spec");
        JsonNode was = old.path("spec");
        boolean batchLabels = Tree.stringMap(was.path("template").path("metadata").get("labels")).containsKey(JobRules.CONTROLLER_UID);
        JobRules.generatedSelector(errs, job, batchLabels);
        JobRules.selectorMatches(errs, spec);
        JobRules.spec(errs, spec, FieldPath.root("spec"));
        FieldPath path = FieldPath.root("spec");
        WorkloadRules.selectorImmutable(errs, job, old);
        Check.immutable(errs, spec.get("completionMode"), was.get("completionMode"), path.child("completionMode"));
        boolean elastic = Tree.text(spec, "completionMode").equals("Indexed")
                && Tree.number(spec, "completions", 0) == Tree.number(spec, "parallelism", 0);
        if (!elastic) Check.immutable(errs, spec.get("completions"), was.get("completions"), path.child("completions"));
        // A suspended job that never started may still have its pods' scheduling directives changed.
        boolean neverStarted = Tree.bool(was, "suspend") && !Tree.isSet(old.path("status"), "startTime");
        if (!neverStarted) Check.immutable(errs, spec.get("template"), was.get("template"), path.child("template"));
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("status.successful", o -> Long.toString(Tree.number(o.path("status"), "succeeded", 0)));
    }

    /** Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet or Running, in Kubernetes' order. */
    static String status(ObjectNode job) {
        if (condition(job, "Complete")) return "Complete";
        if (condition(job, "Failed")) return "Failed";
        if (job.path("metadata").hasNonNull("deletionTimestamp")) return "Terminating";
        if (condition(job, "Suspended")) return "Suspended";
        if (condition(job, "FailureTarget")) return "FailureTarget";
        if (condition(job, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
        return "Running";
    }

    private static boolean condition(ObjectNode job, String type) {
        for (JsonNode c : Tree.items(job.path("status"), "conditions")) {
            if (Tree.text(c, "type").equals(type) && Tree.text(c, "status").equals("True")) return true;
        }
        return false;
    }

    /** {@code 1/3}, or for jobs without completions {@code 1/1} or {@code 1/1 of 3} when parallel. */
    static String completions(ObjectNode job) {
        JsonNode spec = job.path("spec");
        long succeeded = Tree.number(job.path("status"), "succeeded", 0);
        if (Tree.isSet(spec, "completions")) return succeeded + "/" + Tree.number(spec, "completions", 0);
        long parallelism = Tree.number(spec, "parallelism", 0);
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }
}
