package dev.pier.apiserver.resources.pier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Tree;

import java.util.List;

/**
 * The labels that name what a NodeGroup or Machine belongs to ({@code pier.dev/cluster},
 * {@code pier.dev/nodegroup}), copied from its spec so that controllers and users can select by them
 * whoever wrote the object; a label that contradicts the spec is refused rather than overwritten.
 */
final class OwnerLabels {
    private OwnerLabels() {
    }

    /** Sets the label to {@code value} when it is missing and the value is known. */
    static void defaultLabel(ObjectNode object, String label, String value) {
        if (value.isEmpty()) return;
        ObjectNode labels = Tree.obj(Tree.obj(object, "metadata"), "labels");
        if (!labels.has(label)) labels.put(label, value);
    }

    /** The label, if present, must be the spec's value ({@code specField} names it in the message). */
    static void check(List<FieldError> errs, ObjectNode object, String label, String value, String specField) {
        String labelled = Tree.text(object.path("metadata").path("labels"), label);
        if (!labelled.isEmpty() && !labelled.equals(value)) {
            errs.add(FieldError.invalid(FieldPath.root("metadata").child("labels").key(label), labelled,
                    "must be " + specField + " (" + value + ")"));
        }
    }
}
