package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Quantity;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * PersistentVolumeClaims: volume mode Filesystem, a Pending phase on create, access modes and a
 * positive storage request required, and a spec that stays as created except for binding (volumeName,
 * a class left unset) and growing the request of a bound claim.
 */
public final class PersistentVolumeClaimStrategy implements ResourceStrategy {
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Status", o -> o.path("metadata").hasNonNull("deletionTimestamp") ? "Terminating" : Tree.text(o.path("status"), "phase"))
            .column("Volume", o -> Tree.text(o.path("spec"), "volumeName"))
            .column("Capacity", o -> bound(o) ? Printing.quantity(o.path("status").path("capacity").get("storage")) : "")
            .column("Access Modes", o -> bound(o) ? Printing.accessModes(o.path("status").get("accessModes")) : "")
            .column("StorageClass", Volumes::storageClass)
            .column("VolumeAttributesClass", PersistentVolumeClaimStrategy::attributesClass)
            .age()
            .wide("VolumeMode", o -> Volumes.orUnset(Tree.text(o.path("spec"), "volumeMode")))
            .build();

    @Override
    public void prepareForCreate(ObjectNode pvc) {
        defaults(pvc);
        pvc.putObject("status").put("phase", "Pending");
    }

    @Override
    public void prepareForUpdate(ObjectNode pvc, ObjectNode old) {
        defaults(pvc);
    }

    private static void defaults(ObjectNode pvc) {
        ObjectNode spec = Tree.obj(pvc, "spec");
        Tree.defaultText(spec, "volumeMode", "Filesystem");
        if (spec.get("resources") instanceof ObjectNode r) {
            Resources.canonicalize(r.get("requests"));
            Resources.canonicalize(r.get("limits"));
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode pvc) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = pvc.path("spec");
        Volumes.accessModes(errs, s, spec.child("accessModes"), "at least 1 access mode is required");
        LabelSelectors.validate(errs, s.get("selector"), spec.child("selector"));
        JsonNode storage = s.path("resources").path("requests").get("storage");
        FieldPath storagePath = spec.child("resources").key("storage");
        if (storage == null || storage.isNull()) {
            errs.add(FieldError.required(storagePath, ""));
        } else {
            Quantity q = Resources.quantity(errs, storage, spec.child("resources").child("requests").key("storage"));
            if (q != null && q.signum() <= 0) errs.add(FieldError.invalid(storagePath, q.toString(), "must be greater than zero"));
        }
        Resources.validateList(errs, s.path("resources").get("limits"), spec.child("resources").child("limits"));
        String cls = Tree.text(s, "storageClassName");
        if (!cls.isEmpty()) Check.invalid(errs, spec.child("storageClassName"), cls, Formats.dns1123Subdomain(cls));
        Check.oneOf(errs, s, "volumeMode", spec.child("volumeMode"), false, Volumes.VOLUME_MODES);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode pvc, ObjectNode old) {
        List<FieldError> errs = validate(pvc);
        ObjectNode now = Tree.copyOf(pvc.path("spec"));
        ObjectNode was = Tree.copyOf(old.path("spec"));
        // Binding sets volumeName once; a default class may be set on a claim that had none.
        if (Tree.text(was, "volumeName").isEmpty()) copy(now, was, "volumeName");
        if (!Tree.isSet(was, "storageClassName")) copy(now, was, "storageClassName");
        boolean bound = Tree.text(pvc.path("status"), "phase").equals("Bound");
        if (bound) {
            // A bound claim may grow: compare everything but the storage request.
            copy(was.path("resources").path("requests"), now.path("resources").path("requests"), "storage");
            copy(now, was, "volumeAttributesClassName");
        }
        if (!Tree.same(now, was)) {
            errs.add(FieldError.forbidden(FieldPath.root("spec"), "spec is immutable after creation except resources.requests "
                    + "and volumeAttributesClassName for bound claims\n" + SpecDiff.render("core.PersistentVolumeClaimSpec", was, now)));
        }
        Quantity before = quietly(old.path("spec").path("resources").path("requests").get("storage"));
        Quantity after = quietly(pvc.path("spec").path("resources").path("requests").get("storage"));
        if (before != null && after != null && after.compareTo(before) < 0) {
            errs.add(FieldError.forbidden(FieldPath.root("spec").child("resources").child("requests").child("storage"),
                    "field can not be less than previous value"));
        }
        return errs;
    }

    /** Makes {@code into.field} what {@code from.field} is (absent included), when both are objects. */
    private static void copy(JsonNode from, JsonNode into, String field) {
        if (!(from instanceof ObjectNode f) || !(into instanceof ObjectNode i)) return;
        if (f.has(field)) i.set(field, f.get(field).deepCopy());
        else i.remove(field);
    }


    private static Quantity quietly(JsonNode q) {
        try {
            return q == null ? null : Quantity.of(q);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        // "name" is a historical alias of metadata.name that Kubernetes keeps for compatibility.
        return Map.of("name", o -> Tree.text(o.path("metadata"), "name"));
    }

    /** Capacity and access modes show only once the claim names its volume. */
    private static boolean bound(ObjectNode pvc) {
        return !Tree.text(pvc.path("spec"), "volumeName").isEmpty();
    }

    private static String attributesClass(ObjectNode pvc) {
        String current = Tree.text(pvc.path("status"), "currentVolumeAttributesClassName");
        return Volumes.orUnset(current.isEmpty() ? Tree.text(pvc.path("spec"), "volumeAttributesClassName") : current);
    }
}
