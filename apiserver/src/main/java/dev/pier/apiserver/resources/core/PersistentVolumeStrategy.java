package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Printing;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * PersistentVolumes: reclaim policy Retain and volume mode Filesystem by default, a Pending phase on
 * create, exactly one volume source, a storage capacity, and an immutable source once created.
 */
public final class PersistentVolumeStrategy implements ResourceStrategy {
    /** The volume sources a PV may have, exactly one of them. */
    static final List<String> SOURCES = List.of("awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder",
            "csi", "fc", "flexVolume", "flocker", "gcePersistentDisk", "glusterfs", "hostPath", "iscsi", "local", "nfs",
            "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume");
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Capacity", o -> Printing.quantity(o.path("spec").path("capacity").get("storage")))
            .column("Access Modes", o -> Printing.accessModes(o.path("spec").get("accessModes")))
            .column("Reclaim Policy", o -> Tree.text(o.path("spec"), "persistentVolumeReclaimPolicy"))
            .column("Status", o -> o.path("metadata").hasNonNull("deletionTimestamp") ? "Terminating" : Tree.text(o.path("status"), "phase"))
            .column("Claim", PersistentVolumeStrategy::claim)
            .column("StorageClass", Volumes::storageClass)
            .column("VolumeAttributesClass", o -> Volumes.orUnset(Tree.text(o.path("spec"), "volumeAttributesClassName")))
            .column("Reason", o -> Tree.text(o.path("status"), "reason"))
            .age()
            .wide("VolumeMode", o -> Volumes.orUnset(Tree.text(o.path("spec"), "volumeMode")))
            .build();

    @Override
    public void prepareForCreate(ObjectNode pv) {
        defaults(pv);
        ObjectNode status = pv.putObject("status");
        status.put("phase", "Pending");
        status.put("lastPhaseTransitionTime", Tree.text(pv.path("metadata"), "creationTimestamp"));
    }

    @Override
    public void prepareForUpdate(ObjectNode pv, ObjectNode old) {
        defaults(pv);
    }

    private static void defaults(ObjectNode pv) {
        ObjectNode spec = Tree.obj(pv, "spec");
        Tree.defaultText(spec, "persistentVolumeReclaimPolicy", "Retain");
        Tree.defaultText(spec, "volumeMode", "Filesystem");
        Resources.canonicalize(spec.get("capacity"));
        if (spec.get("hostPath") instanceof ObjectNode hp && !hp.has("type")) hp.put("type", "");
    }

    @Override
    public List<FieldError> validate(ObjectNode pv) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = pv.path("spec");
        Volumes.accessModes(errs, s, spec.child("accessModes"), "");
        JsonNode capacity = s.get("capacity");
        if (Tree.size(s, "capacity") == 0) {
            errs.add(FieldError.required(spec.child("capacity"), ""));
        } else if (!capacity.has("storage") || capacity.size() > 1) {
            errs.add(FieldError.notSupported(spec.child("capacity"), capacity, List.of("storage")));
        } else {
            Resources.nonNegative(errs, capacity.get("storage"), spec.child("capacity").key("storage"));
        }
        Check.oneOf(errs, s, "persistentVolumeReclaimPolicy", spec.child("persistentVolumeReclaimPolicy"), true,
                List.of("Delete", "Recycle", "Retain"));
        Check.oneOf(errs, s, "volumeMode", spec.child("volumeMode"), false, Volumes.VOLUME_MODES);
        String cls = Tree.text(s, "storageClassName");
        if (!cls.isEmpty()) Check.invalid(errs, spec.child("storageClassName"), cls, Formats.dns1123Subdomain(cls));
        sources(errs, s, spec);
        return errs;
    }

    private static void sources(List<FieldError> errs, JsonNode s, FieldPath spec) {
        int count = 0;
        for (String source : SOURCES) {
            if (!Tree.isSet(s, source)) continue;
            if (++count > 1) errs.add(FieldError.forbidden(spec.child(source), "may not specify more than 1 volume type"));
        }
        if (count == 0) errs.add(FieldError.required(spec, "must specify a volume type"));
        for (String withPath : List.of("hostPath", "local")) {
            if (Tree.isSet(s, withPath) && Tree.text(s.path(withPath), "path").isEmpty()) {
                errs.add(FieldError.required(spec.child(withPath).child("path"), ""));
            }
        }
        if (Tree.isSet(s, "local") && !Tree.isSet(s, "nodeAffinity")) {
            errs.add(FieldError.required(spec.child("nodeAffinity"), "Local volume requires node affinity"));
        }
        if (Tree.isSet(s, "nfs")) {
            if (Tree.text(s.path("nfs"), "server").isEmpty()) errs.add(FieldError.required(spec.child("nfs").child("server"), ""));
            if (Tree.text(s.path("nfs"), "path").isEmpty()) errs.add(FieldError.required(spec.child("nfs").child("path"), ""));
        }
        if (Tree.isSet(s, "csi")) {
            if (Tree.text(s.path("csi"), "driver").isEmpty()) errs.add(FieldError.required(spec.child("csi").child("driver"), ""));
            if (Tree.text(s.path("csi"), "volumeHandle").isEmpty()) errs.add(FieldError.required(spec.child("csi").child("volumeHandle"), ""));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode pv, ObjectNode old) {
        List<FieldError> errs = validate(pv);
        ObjectNode now = Tree.copyOf(pv.path("spec"));
        ObjectNode was = Tree.copyOf(old.path("spec"));
        now.retain(SOURCES);
        was.retain(SOURCES);
        if (!Tree.same(now, was)) {
            errs.add(FieldError.forbidden(FieldPath.root("spec").child("persistentvolumesource"),
                    "spec.persistentvolumesource is immutable after creation\n" + SpecDiff.render("core.PersistentVolumeSource", was, now)));
        }
        Check.immutable(errs, pv.path("spec").get("volumeMode"), old.path("spec").get("volumeMode"), FieldPath.root("volumeMode"));
        return errs;
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


    private static String claim(ObjectNode pv) {
        JsonNode ref = pv.path("spec").path("claimRef");
        return ref.isObject() ? Tree.text(ref, "namespace") + "/" + Tree.text(ref, "name") : "";
    }
}
