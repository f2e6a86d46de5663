package dev.pier.apiserver.resources.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.PodDefaults;
import dev.pier.apiserver.table.Ages;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CronJobs: concurrency Allow, not suspended, 3 successful and 1 failed jobs kept by default; a schedule
 * in cron syntax, an IANA time zone, and a job template valid as a job's spec (its selector is always
 * generated per job). Names leave room for the 11 characters the controller appends to job names.
 */
public final class CronJobStrategy implements ResourceStrategy {
    private static final Pattern ZONE_PART = Pattern.compile("[A-Za-z\\.\\-_0-9+]{1,14}");
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Schedule", o -> Tree.text(o.path("spec"), "schedule"))
            .column("Timezone", o -> Tree.isSet(o.path("spec"), "timeZone") ? Tree.text(o.path("spec"), "timeZone") : "<none>")
            .column("Suspend", "boolean", 0, o -> Printing.boolText(o.path("spec").get("suspend")))
            .integer("Active", o -> Tree.size(o.path("status"), "active"))
            .column("Last Schedule", o -> Tree.isSet(o.path("status"), "lastScheduleTime")
                    ? Ages.since(Tree.text(o.path("status"), "lastScheduleTime")) : "<none>")
            .age()
            .wide("Containers", o -> Printing.containerNames(podSpec(o)))
            .wide("Images", o -> Printing.containerImages(podSpec(o)))
            .wide("Selector", o -> LabelSelectors.format(o.path("spec").path("jobTemplate").path("spec").get("selector")))
            .build();

    private static JsonNode podSpec(ObjectNode cj) {
        return cj.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    }

    @Override
    public void prepareForCreate(ObjectNode cj) {
        defaults(cj);
        cj.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode cj, ObjectNode old) {
        defaults(cj);
    }

    private static void defaults(ObjectNode cj) {
        ObjectNode spec = Tree.obj(cj, "spec");
        Tree.defaultText(spec, "concurrencyPolicy", "Allow");
        Tree.defaultBool(spec, "suspend", false);
        Tree.defaultNumber(spec, "successfulJobsHistoryLimit", 3);
        Tree.defaultNumber(spec, "failedJobsHistoryLimit", 1);
        ObjectNode jobTemplate = Tree.obj(spec, "jobTemplate");
        ObjectNode meta = Tree.obj(jobTemplate, "metadata");
        if (!meta.has("creationTimestamp")) meta.putNull("creationTimestamp");
        PodDefaults.template(Tree.obj(Tree.obj(jobTemplate, "spec"), "template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode cj) {
        List<FieldError> errs = new ArrayList<>();
        String name = Tree.text(cj.path("metadata"), "name");
        if (name.length() > 52) errs.add(FieldError.invalid(FieldPath.root("metadata").child("name"), name, "must be no more than 52 characters"));
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = cj.path("spec");
        String schedule = Tree.text(s, "schedule");
        if (schedule.isEmpty()) {
            errs.add(FieldError.required(spec.child("schedule"), ""));
        } else {
            String why = CronSchedule.problem(schedule);
            if (why != null) errs.add(FieldError.invalid(spec.child("schedule"), schedule, why));
            if (schedule.contains("TZ")) {
                errs.add(FieldError.invalid(spec.child("schedule"), schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }
        timeZone(errs, s, spec.child("timeZone"));
        Check.oneOf(errs, s, "concurrencyPolicy", spec.child("concurrencyPolicy"), true, List.of("Allow", "Forbid", "Replace"));
        for (String f : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
            Check.nonNegative(errs, s, f, spec.child(f));
        }
        JsonNode jobSpec = s.path("jobTemplate").path("spec");
        FieldPath jobPath = spec.child("jobTemplate").child("spec");
        if (Tree.isSet(jobSpec, "selector")) errs.add(FieldError.invalid(jobPath.child("selector"), jobSpec.get("selector"), "`selector` will be auto-generated"));
        if (Tree.bool(jobSpec, "manualSelector")) errs.add(FieldError.notSupported(jobPath.child("manualSelector"), true, List.of("nil", "false")));
        JobRules.spec(errs, jobSpec, jobPath);
        return errs;
    }

    private static void timeZone(List<FieldError> errs, JsonNode spec, FieldPath path) {
        if (!Tree.isSet(spec, "timeZone")) return;
        String tz = Tree.text(spec, "timeZone");
        if (tz.isEmpty()) {
            errs.add(FieldError.invalid(path, tz, "timeZone must be nil or non-empty string"));
            return;
        }
        for (String part : tz.split("/", -1)) {
            if (part.equals(".") || part.equals("..") || part.startsWith("-") || !ZONE_PART.matcher(part).matches()) {
                errs.add(FieldError.invalid(path, tz, "unknown time zone " + tz));
                return;
            }
        }
        if (tz.equalsIgnoreCase("Local")) {
            errs.add(FieldError.invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        } else if (!CronSchedule.isZone(tz)) {
            errs.add(FieldError.invalid(path, tz, "unknown time zone " + tz));
        }
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
