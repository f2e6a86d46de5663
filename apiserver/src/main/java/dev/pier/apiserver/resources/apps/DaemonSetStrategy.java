package dev.pier.apiserver.resources.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.PodDefaults;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * DaemonSets: a RollingUpdate of one unavailable pod and no surge, 10 kept revisions by default; a
 * selector that matches the template and never changes. The server counts template changes in the
 * {@code deprecated.daemonset.template.generation} annotation, as Kubernetes' v1 DaemonSets show it
 * (their controller labels pods with it); clients cannot set it.
 */
public final class DaemonSetStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = WorkloadRules.wideColumns(TableConvertor.builder()
            .integer("Desired", o -> WorkloadRules.count(o.path("status"), "desiredNumberScheduled"))
            .integer("Current", o -> WorkloadRules.count(o.path("status"), "currentNumberScheduled"))
            .integer("Ready", o -> WorkloadRules.count(o.path("status"), "numberReady"))
            .integer("Up-to-date", o -> WorkloadRules.count(o.path("status"), "updatedNumberScheduled"))
            .integer("Available", o -> WorkloadRules.count(o.path("status"), "numberAvailable"))
            .column("Node Selector", o -> LabelSelectors.formatLabels(o.path("spec").path("template").path("spec").get("nodeSelector")))
            .age(), true).build();

    /** The annotation that carries Kubernetes' internal spec.templateGeneration in apps/v1. */
    static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

    @Override
    public void prepareForCreate(ObjectNode ds) {
        defaults(ds);
        Tree.obj(Tree.obj(ds, "metadata"), "annotations").put(TEMPLATE_GENERATION, "1");
        ds.putObject("status").put("currentNumberScheduled", 0).put("desiredNumberScheduled", 0)
                .put("numberMisscheduled", 0).put("numberReady", 0);
    }

    @Override
    public void prepareForUpdate(ObjectNode ds, ObjectNode old) {
        defaults(ds);
        long generation;
        try {
            generation = Long.parseLong(Tree.text(old.path("metadata").path("annotations"), TEMPLATE_GENERATION));
        } catch (NumberFormatException e) {
            generation = 0;
        }
        if (!Tree.same(ds.path("spec").path("template"), old.path("spec").path("template"))) generation++;
        Tree.obj(Tree.obj(ds, "metadata"), "annotations").put(TEMPLATE_GENERATION, Long.toString(generation));
    }

    private static void defaults(ObjectNode ds) {
        ObjectNode spec = Tree.obj(ds, "spec");
        ObjectNode strategy = Tree.obj(spec, "updateStrategy");
        Tree.defaultText(strategy, "type", "RollingUpdate");
        if (Tree.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Tree.obj(strategy, "rollingUpdate");
            if (!Tree.isSet(rolling, "maxUnavailable")) rolling.put("maxUnavailable", 1);
            if (!Tree.isSet(rolling, "maxSurge")) rolling.put("maxSurge", 0);
        }
        Tree.defaultNumber(spec, "revisionHistoryLimit", 10);
        PodDefaults.template(Tree.obj(spec, "template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode ds) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = ds.path("spec");
        WorkloadRules.selectorAndTemplate(errs, s, spec, "daemonset");
        WorkloadRules.alwaysRestart(errs, s, spec, "DaemonSet");
        Check.nonNegative(errs, s, "minReadySeconds", spec.child("minReadySeconds"));
        Check.nonNegative(errs, s, "revisionHistoryLimit", spec.child("revisionHistoryLimit"));
        JsonNode strategy = s.path("updateStrategy");
        FieldPath sp = spec.child("updateStrategy");
        Check.oneOf(errs, strategy, "type", sp.child("type"), true, List.of("OnDelete", "RollingUpdate"));
        if (Tree.text(strategy, "type").equals("RollingUpdate")) {
            JsonNode rolling = strategy.path("rollingUpdate");
            FieldPath rp = sp.child("rollingUpdate");
            Check.intOrPercent(errs, rolling.get("maxUnavailable"), rp.child("maxUnavailable"), true);
            Check.intOrPercent(errs, rolling.get("maxSurge"), rp.child("maxSurge"), true);
            if (Check.intOrPercentValue(rolling.get("maxUnavailable")) == 0 && Check.intOrPercentValue(rolling.get("maxSurge")) == 0) {
                errs.add(FieldError.invalid(rp.child("maxUnavailable"), rolling.get("maxUnavailable"), "may not be 0 when `maxSurge` is 0"));
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode ds, ObjectNode old) {
        List<FieldError> errs = validate(ds);
        WorkloadRules.selectorImmutable(errs, ds, old);
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
}
