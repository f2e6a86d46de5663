package dev.pier.apiserver.resources.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ScaleSubresource;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.PodDefaults;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * Deployments: one replica, a RollingUpdate of 25% surge and 25% unavailable, 10 kept revisions and a
 * 600 s progress deadline by default; a selector that matches the template and never changes.
 */
public final class DeploymentStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = WorkloadRules.wideColumns(TableConvertor.builder()
            .column("Ready", o -> WorkloadRules.count(o.path("status"), "readyReplicas") + "/" + WorkloadRules.count(o.path("spec"), "replicas"))
            .integer("Up-to-date", o -> WorkloadRules.count(o.path("status"), "updatedReplicas"))
            .integer("Available", o -> WorkloadRules.count(o.path("status"), "availableReplicas"))
            .age(), true).build();

    @Override
    public void prepareForCreate(ObjectNode d) {
        defaults(d);
        d.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode d, ObjectNode old) {
        defaults(d);
    }

    static void defaults(ObjectNode d) {
        ObjectNode spec = Tree.obj(d, "spec");
        Tree.defaultNumber(spec, "replicas", 1);
        ObjectNode strategy = Tree.obj(spec, "strategy");
        Tree.defaultText(strategy, "type", "RollingUpdate");
        if (Tree.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Tree.obj(strategy, "rollingUpdate");
            if (!Tree.isSet(rolling, "maxUnavailable")) rolling.put("maxUnavailable", "25%");
            if (!Tree.isSet(rolling, "maxSurge")) rolling.put("maxSurge", "25%");
        }
        Tree.defaultNumber(spec, "revisionHistoryLimit", 10);
        Tree.defaultNumber(spec, "progressDeadlineSeconds", 600);
        PodDefaults.template(Tree.obj(spec, "template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode d) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = d.path("spec");
        Check.nonNegative(errs, s, "replicas", spec.child("replicas"));
        WorkloadRules.selectorAndTemplate(errs, s, spec, "deployment");
        WorkloadRules.alwaysRestart(errs, s, spec, "ReplicaSet");
        strategy(errs, s.path("strategy"), spec.child("strategy"));
        Check.nonNegative(errs, s, "minReadySeconds", spec.child("minReadySeconds"));
        Check.nonNegative(errs, s, "revisionHistoryLimit", spec.child("revisionHistoryLimit"));
        if (Tree.isSet(s, "progressDeadlineSeconds")) {
            long deadline = Tree.number(s, "progressDeadlineSeconds", 0);
            Check.nonNegative(errs, s, "progressDeadlineSeconds", spec.child("progressDeadlineSeconds"));
            if (deadline <= Tree.number(s, "minReadySeconds", 0)) {
                errs.add(FieldError.invalid(spec.child("progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"));
            }
        }
        return errs;
    }

    private static void strategy(List<FieldError> errs, JsonNode strategy, FieldPath path) {
        String type = Tree.text(strategy, "type");
        if (type.equals("Recreate")) {
            if (Tree.isSet(strategy, "rollingUpdate")) {
                errs.add(FieldError.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
            }
        } else if (type.equals("RollingUpdate")) {
            JsonNode rolling = strategy.path("rollingUpdate");
            FieldPath rp = path.child("rollingUpdate");
            Check.intOrPercent(errs, rolling.get("maxUnavailable"), rp.child("maxUnavailable"), true);
            Check.intOrPercent(errs, rolling.get("maxSurge"), rp.child("maxSurge"), false);
            if (Check.intOrPercentValue(rolling.get("maxUnavailable")) == 0 && Check.intOrPercentValue(rolling.get("maxSurge")) == 0) {
                errs.add(FieldError.invalid(rp.child("maxUnavailable"), rolling.get("maxUnavailable"), "may not be 0 when `maxSurge` is 0"));
            }
        } else {
            errs.add(FieldError.notSupported(path.child("type"), type, List.of("Recreate", "RollingUpdate")));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode d, ObjectNode old) {
        List<FieldError> errs = validate(d);
        WorkloadRules.selectorImmutable(errs, d, old);
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public ScaleSubresource scale() {
        return WorkloadRules.SCALE;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
