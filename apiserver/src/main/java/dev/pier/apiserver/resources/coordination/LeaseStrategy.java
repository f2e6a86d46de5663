package dev.pier.apiserver.resources.coordination;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/** Leases (leader election, node heartbeats): a positive duration, a non-negative transition count, HOLDER in the table. */
public final class LeaseStrategy {
    private LeaseStrategy() {
    }

    public static final ResourceStrategy LEASES = KindStrategy.builder()
            .validator(LeaseStrategy::validate)
            .table(TableConvertor.builder().column("Holder", o -> Tree.text(o.path("spec"), "holderIdentity")).age().build())
            .build();

    static List<FieldError> validate(ObjectNode lease) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        if (Tree.isSet(lease.path("spec"), "leaseDurationSeconds") && Tree.number(lease.path("spec"), "leaseDurationSeconds", 0) <= 0) {
            errs.add(FieldError.invalid(spec.child("leaseDurationSeconds"), Tree.number(lease.path("spec"), "leaseDurationSeconds", 0),
                    "must be greater than 0"));
        }
        Check.nonNegative(errs, lease.path("spec"), "leaseTransitions", spec.child("leaseTransitions"));
        return errs;
    }
}
