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
import java.util.Map;
import java.util.function.Function;

/** ReplicaSets: one replica by default, a selector matching the template and never changing, {@code status.replicas} selectable. */
public final class ReplicaSetStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = WorkloadRules.wideColumns(TableConvertor.builder()
            .integer("Desired", o -> WorkloadRules.count(o.path("spec"), "replicas"))
            .integer("Current", o -> WorkloadRules.count(o.path("status"), "replicas"))
            .integer("Ready", o -> WorkloadRules.count(o.path("status"), "readyReplicas"))
            .age(), true).build();

    @Override
    public void prepareForCreate(ObjectNode rs) {
        defaults(rs);
        rs.putObject("status").put("replicas", 0);
    }

    @Override
    public void prepareForUpdate(ObjectNode rs, ObjectNode old) {
        defaults(rs);
    }

    private static void defaults(ObjectNode rs) {
        ObjectNode spec = Tree.obj(rs, "spec");
        Tree.defaultNumber(spec, "replicas", 1);
        PodDefaults.template(Tree.obj(spec, "template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode rs) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = rs.path("spec");
        Check.nonNegative(errs, s, "replicas", spec.child("replicas"));
        Check.nonNegative(errs, s, "minReadySeconds", spec.child("minReadySeconds"));
        WorkloadRules.selectorAndTemplate(errs, s, spec, "deployment");
        WorkloadRules.alwaysRestart(errs, s, spec, "ReplicaSet");
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode rs, ObjectNode old) {
        List<FieldError> errs = validate(rs);
        WorkloadRules.selectorImmutable(errs, rs, old);
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

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("status.replicas", o -> Long.toString(Tree.number(o.path("status"), "replicas", 0)));
    }
}
