package dev.pier.apiserver.resources.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;

/**
 * StorageClasses: reclaim policy Delete and binding mode Immediate by default, a provisioner required;
 * provisioner, parameters, reclaim policy and binding mode fixed once created. The default class reads
 * {@code standard (default)} in the NAME column.
 */
public final class StorageClassStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .nameCell(o -> Tree.text(o.path("metadata"), "name") + (isDefault(o) ? " (default)" : ""))
            .column("Provisioner", o -> Tree.text(o, "provisioner"))
            .column("ReclaimPolicy", o -> Tree.text(o, "reclaimPolicy").isEmpty() ? "Delete" : Tree.text(o, "reclaimPolicy"))
            .column("VolumeBindingMode", o -> Tree.text(o, "volumeBindingMode").isEmpty() ? "Immediate" : Tree.text(o, "volumeBindingMode"))
            .column("AllowVolumeExpansion", o -> Tree.bool(o, "allowVolumeExpansion"))
            .age()
            .build();

    static boolean isDefault(ObjectNode sc) {
        var annotations = sc.path("metadata").path("annotations");
        return Tree.text(annotations, "storageclass.kubernetes.io/is-default-class").equals("true")
                || Tree.text(annotations, "storageclass.beta.kubernetes.io/is-default-class").equals("true");
    }

    @Override
    public void prepareForCreate(ObjectNode sc) {
        defaults(sc);
    }

    @Override
    public void prepareForUpdate(ObjectNode sc, ObjectNode old) {
        defaults(sc);
    }

    private static void defaults(ObjectNode sc) {
        Tree.defaultText(sc, "reclaimPolicy", "Delete");
        Tree.defaultText(sc, "volumeBindingMode", "Immediate");
    }

    @Override
    public List<FieldError> validate(ObjectNode sc) {
        List<FieldError> errs = new ArrayList<>();
        String provisioner = Tree.text(sc, "provisioner");
        if (provisioner.isEmpty()) errs.add(FieldError.required(FieldPath.root("provisioner"), ""));
        else Check.invalid(errs, FieldPath.root("provisioner"), provisioner, Formats.qualifiedName(provisioner.toLowerCase(java.util.Locale.ROOT)));
        Check.oneOf(errs, sc, "reclaimPolicy", FieldPath.root("reclaimPolicy"), false, List.of("Delete", "Retain"));
        Check.oneOf(errs, sc, "volumeBindingMode", FieldPath.root("volumeBindingMode"), true, List.of("Immediate", "WaitForFirstConsumer"));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode sc, ObjectNode old) {
        List<FieldError> errs = validate(sc);
        for (String f : List.of("parameters", "provisioner", "reclaimPolicy")) {
            if (!Tree.same(sc.get(f), old.get(f))) errs.add(FieldError.forbidden(FieldPath.root(f), "updates to " + f + " are forbidden."));
        }
        Check.immutable(errs, sc.get("volumeBindingMode"), old.get("volumeBindingMode"), FieldPath.root("volumeBindingMode"));
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
