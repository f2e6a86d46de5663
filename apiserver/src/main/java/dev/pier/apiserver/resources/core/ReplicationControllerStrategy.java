package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ScaleSubresource;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * ReplicationControllers, the core/v1 ancestor of ReplicaSets: kept because clients still list them
 * (kubectl's default prune set includes them). Selector is a plain label map; replicas default to 1.
 */
public final class ReplicationControllerStrategy {
    private ReplicationControllerStrategy() {
    }

    private static final TableConvertor TABLE = Printing.containerColumns(TableConvertor.builder()
            .column("Desired", "integer", 0, o -> Tree.number(o.path("spec"), "replicas", 0))
            .column("Current", "integer", 0, o -> Tree.number(o.path("status"), "replicas", 0))
            .column("Ready", "integer", 0, o -> Tree.number(o.path("status"), "readyReplicas", 0))
            .age(), o -> o.path("spec").path("template").path("spec"))
            .wide("Selector", o -> LabelSelectors.formatLabels(o.path("spec").path("selector")))
            .build();

    public static final ResourceStrategy INSTANCE = KindStrategy.builder()
            .withStatus()
            .defaults(rc -> {
                ObjectNode spec = Tree.obj(rc, "spec");
                Tree.defaultNumber(spec, "replicas", 1);
                // as Kubernetes: an empty selector is taken from the template's labels
                if (spec.path("selector").isEmpty() && spec.path("template").path("metadata").path("labels").isObject()) {
                    spec.set("selector", spec.path("template").path("metadata").path("labels").deepCopy());
                }
                PodDefaults.template(Tree.obj(spec, "template"));
            })
            .validator(rc -> {
                List<FieldError> errs = new ArrayList<>();
                FieldPath spec = FieldPath.root("spec");
                Check.nonNegative(errs, rc.path("spec"), "replicas", spec.child("replicas"));
                if (!rc.path("spec").path("template").isObject()) errs.add(FieldError.required(spec.child("template"), ""));
                else PodSpecRules.validate(errs, rc.path("spec").path("template").path("spec"), spec.child("template").child("spec"));
                return errs;
            })
            .scale(new ScaleSubresource(".spec.replicas", ".status.replicas",
                    o -> LabelSelectors.formatLabels(o.path("spec").path("selector"))))
            .table(TABLE)
            .build();
}
