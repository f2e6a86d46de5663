package dev.pier.apiserver.resources.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** ControllerRevisions: immutable snapshots ({@code data}) with a non-negative revision, listed with their controller. */
public final class ControllerRevisionStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Controller", ControllerRevisionStrategy::controller)
            .integer("Revision", o -> Tree.number(o, "revision", 0))
            .age()
            .build();

    @Override
    public List<FieldError> validate(ObjectNode cr) {
        List<FieldError> errs = new ArrayList<>();
        if (!Tree.isSet(cr, "data")) errs.add(FieldError.required(FieldPath.root("data"), "data is mandatory"));
        Check.nonNegative(errs, cr, "revision", FieldPath.root("revision"));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode cr, ObjectNode old) {
        List<FieldError> errs = validate(cr);
        Check.immutable(errs, cr.get("data"), old.get("data"), FieldPath.root("data"));
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    /** The controlling owner as {@code kind.group/name} in lower case, e.g. {@code statefulset.apps/web}. */
    static String controller(ObjectNode cr) {
        for (JsonNode ref : Tree.items(cr.path("metadata"), "ownerReferences")) {
            if (!Tree.bool(ref, "controller")) continue;
            String apiVersion = Tree.text(ref, "apiVersion");
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            String kind = Tree.text(ref, "kind");
            String groupKind = group.isEmpty() ? kind : kind + "." + group;
            return groupKind.isEmpty() ? Tree.text(ref, "name") : groupKind.toLowerCase(Locale.ROOT) + "/" + Tree.text(ref, "name");
        }
        return "<none>";
    }
}
