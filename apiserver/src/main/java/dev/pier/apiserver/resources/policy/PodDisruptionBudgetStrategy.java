package dev.pier.apiserver.resources.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * PodDisruptionBudgets: at most one of minAvailable and maxUnavailable, each a non-negative number or a
 * percentage up to 100%; a zeroed status on create, as Kubernetes shows before the controller reports.
 */
public final class PodDisruptionBudgetStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Min Available", o -> orNa(o.path("spec").get("minAvailable")))
            .column("Max Unavailable", o -> orNa(o.path("spec").get("maxUnavailable")))
            .integer("Allowed Disruptions", o -> Tree.number(o.path("status"), "disruptionsAllowed", 0))
            .age()
            .build();

    private static String orNa(JsonNode v) {
        return v == null || v.isNull() ? "N/A" : Printing.intOrString(v);
    }

    @Override
    public void prepareForCreate(ObjectNode pdb) {
        pdb.putObject("status").put("currentHealthy", 0).put("desiredHealthy", 0).put("disruptionsAllowed", 0).put("expectedPods", 0);
    }

    @Override
    public List<FieldError> validate(ObjectNode pdb) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = pdb.path("spec");
        if (Tree.isSet(s, "minAvailable") && Tree.isSet(s, "maxUnavailable")) {
            errs.add(FieldError.invalid(spec, s, "minAvailable and maxUnavailable cannot be both set"));
        }
        Check.intOrPercent(errs, s.get("minAvailable"), spec.child("minAvailable"), true);
        Check.intOrPercent(errs, s.get("maxUnavailable"), spec.child("maxUnavailable"), true);
        LabelSelectors.validate(errs, s.get("selector"), spec.child("selector"));
        Check.oneOf(errs, s, "unhealthyPodEvictionPolicy", spec.child("unhealthyPodEvictionPolicy"), false,
                List.of("AlwaysAllow", "IfHealthyBudget"));
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
