package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.KindStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * Machines (decision 019): one per node and named as it, labelled with their cluster and node group. A
 * machine is replaced, never changed: its whole spec is fixed once created.
 */
public final class MachineStrategy {
    private static final FieldPath SPEC = FieldPath.root("spec");

    public static final ResourceStrategy INSTANCE = KindStrategy.builder()
            .withStatus()
            .schema(PierKinds.schema("machine"))
            .defaults(MachineStrategy::defaults)
            .validator(MachineStrategy::validate)
            .updateValidator((machine, old) -> {
                List<FieldError> errs = new ArrayList<>();
                Check.immutable(errs, machine.get("spec"), old.get("spec"), SPEC);
                return errs;
            })
            .table(TableConvertor.builder()
                    .column("Cluster", o -> Tree.text(o.path("spec"), "cluster"))
                    .column("NodeGroup", o -> Tree.text(o.path("spec"), "nodeGroup"))
                    .column("Phase", o -> Tree.text(o.path("status"), "phase"))
                    .column("Address", o -> Columns.orNone(address(o.path("status"))))
                    .age()
                    .build())
            .fieldSelector("spec.cluster", o -> Tree.text(o.path("spec"), "cluster"))
            .fieldSelector("spec.nodeGroup", o -> Tree.text(o.path("spec"), "nodeGroup"))
            .fieldSelector("status.phase", o -> Tree.text(o.path("status"), "phase"))
            .build();

    private MachineStrategy() {
    }

    private static void defaults(ObjectNode machine) {
        JsonNode spec = Tree.obj(machine, "spec");
        OwnerLabels.defaultLabel(machine, PierKinds.CLUSTER_LABEL, Tree.text(spec, "cluster"));
        OwnerLabels.defaultLabel(machine, PierKinds.NODE_GROUP_LABEL, Tree.text(spec, "nodeGroup"));
    }

    private static List<FieldError> validate(ObjectNode machine) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = machine.path("spec");
        // both are copied into label values, so they must be valid ones
        for (String field : List.of("cluster", "nodeGroup")) {
            String value = Tree.text(spec, field);
            if (value.isEmpty()) errs.add(FieldError.required(SPEC.child(field), ""));
            else Check.invalid(errs, SPEC.child(field), value, Formats.labelValue(value));
        }
        OwnerLabels.check(errs, machine, PierKinds.CLUSTER_LABEL, Tree.text(spec, "cluster"), "spec.cluster");
        OwnerLabels.check(errs, machine, PierKinds.NODE_GROUP_LABEL, Tree.text(spec, "nodeGroup"), "spec.nodeGroup");
        if (!Tree.text(spec, "flavor").isEmpty()) NodeGroupFields.flavor(errs, spec, SPEC.child("flavor"));
        return errs;
    }

    /** The first internal address, else the first of any type. */
    private static String address(JsonNode status) {
        List<ObjectNode> addresses = Tree.objects(status, "addresses");
        for (ObjectNode a : addresses) {
            if (Tree.text(a, "type").equals("InternalIP")) return Tree.text(a, "address");
        }
        return addresses.isEmpty() ? "" : Tree.text(addresses.getFirst(), "address");
    }
}
