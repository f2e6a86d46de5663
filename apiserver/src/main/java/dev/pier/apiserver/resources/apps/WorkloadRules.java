package dev.pier.apiserver.resources.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ScaleSubresource;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.PodSpecRules;
import dev.pier.apiserver.table.TableConvertor;

import java.util.List;

/**
 * What the controllers' kinds share: a selector that must select the pod template's labels, a template
 * validated as a pod spec under {@code spec.template}, {@code restartPolicy: Always}, and the wide
 * CONTAINERS / IMAGES / SELECTOR columns.
 */
public final class WorkloadRules {
    /** Deployments, ReplicaSets and StatefulSets scale their spec.replicas; the selector is their spec.selector. */
    public static final ScaleSubresource SCALE = new ScaleSubresource(".spec.replicas", ".status.replicas",
            o -> LabelSelectors.format(o.path("spec").path("selector")));

    private WorkloadRules() {
    }

    /**
     * The selector (required, not empty, valid) and the template it must match, as Kubernetes checks
     * a Deployment's or ReplicaSet's.
     *
     * @param kindWord the word in "empty selector is invalid for ..." (Kubernetes says "deployment" for ReplicaSets too)
     */
    public static void selectorAndTemplate(List<FieldError> errs, JsonNode spec, FieldPath specPath, String kindWord) {
        JsonNode selector = spec.get("selector");
        FieldPath selectorPath = specPath.child("selector");
        if (selector == null || selector.isNull()) {
            errs.add(FieldError.required(selectorPath, ""));
        } else {
            LabelSelectors.validate(errs, selector, selectorPath);
            if (LabelSelectors.isEmpty(selector)) errs.add(FieldError.invalid(selectorPath, selector, "empty selector is invalid for " + kindWord));
        }
        JsonNode template = spec.path("template");
        FieldPath templatePath = specPath.child("template");
        JsonNode labels = template.path("metadata").get("labels");
        if (selector != null && !selector.isNull() && !LabelSelectors.isEmpty(selector) && !LabelSelectors.matches(selector, labels)) {
            errs.add(FieldError.invalid(templatePath.child("metadata").child("labels"), labels == null ? null : labels,
                    "`selector` does not match template `labels`"));
        }
        template(errs, template, templatePath);
    }

    /** A pod template: its labels and annotations keys, and its pod spec. */
    public static void template(List<FieldError> errs, JsonNode template, FieldPath path) {
        Check.labels(errs, template.path("metadata").get("labels"), path.child("metadata").child("labels"));
        PodSpecRules.validate(errs, template.path("spec"), path.child("spec"));
    }

    /** Controllers that keep pods running restart them always, and never give them a deadline. */
    public static void alwaysRestart(List<FieldError> errs, JsonNode spec, FieldPath specPath, String kind) {
        JsonNode podSpec = spec.path("template").path("spec");
        FieldPath podPath = specPath.child("template").child("spec");
        String policy = Tree.text(podSpec, "restartPolicy");
        if (!policy.isEmpty() && !policy.equals("Always")) errs.add(FieldError.notSupported(podPath.child("restartPolicy"), policy, List.of("Always")));
        if (Tree.isSet(podSpec, "activeDeadlineSeconds")) {
            errs.add(FieldError.invalid(podPath.child("activeDeadlineSeconds"), Tree.number(podSpec, "activeDeadlineSeconds", 0),
                    "activeDeadlineSeconds in " + kind + " is not Supported"));
        }
    }

    /** The selector of a workload never changes: pods selected by the old one would be orphaned. */
    public static void selectorImmutable(List<FieldError> errs, ObjectNode now, ObjectNode old) {
        Check.immutable(errs, now.path("spec").get("selector"), old.path("spec").get("selector"), FieldPath.root("spec").child("selector"));
    }

    /** Adds CONTAINERS, IMAGES and SELECTOR wide columns for a kind with {@code spec.template} and {@code spec.selector}. */
    public static TableConvertor.Builder wideColumns(TableConvertor.Builder b, boolean withSelector) {
        Printing.containerColumns(b, Printing::templateSpec);
        if (withSelector) b.wide("Selector", o -> LabelSelectors.format(o.path("spec").get("selector")));
        return b;
    }

    /** A replica count as printed: the integer, 0 when missing. */
    static long count(JsonNode parent, String field) {
        return Tree.number(parent, field, 0);
    }
}
