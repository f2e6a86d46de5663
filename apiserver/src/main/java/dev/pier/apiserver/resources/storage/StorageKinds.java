package dev.pier.apiserver.resources.storage;

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
import java.util.Locale;

/**
 * The storage.k8s.io kinds that tie volumes to nodes: VolumeAttachments (an attacher's record that a volume
 * is attached to a node, spec fixed once created), CSINodes (the drivers a node offers and their volume
 * limits) and CSIDrivers (how a driver wants to be called).
 */
public final class StorageKinds {
    private StorageKinds() {
    }

    public static final ResourceStrategy VOLUME_ATTACHMENTS = KindStrategy.builder()
            .withStatus()
            .generation(false)
            .validator(StorageKinds::validateAttachment)
            .updateValidator((now, old) -> {
                List<FieldError> errs = new ArrayList<>();
                if (!Tree.same(now.get("spec"), old.get("spec"))) {
                    errs.add(FieldError.invalid(FieldPath.root("spec"), now.get("spec"), Check.IMMUTABLE));
                }
                return errs;
            })
            .table(TableConvertor.builder()
                    .column("Attacher", o -> Tree.text(o.path("spec"), "attacher"))
                    .column("PV", o -> Tree.text(o.path("spec").path("source"), "persistentVolumeName"))
                    .column("Node", o -> Tree.text(o.path("spec"), "nodeName"))
                    .column("Attached", o -> o.path("status").path("attached").asBoolean(false))
                    .age()
                    .build())
            .build();

    public static final ResourceStrategy CSI_NODES = KindStrategy.builder()
            .validator(StorageKinds::validateCsiNode)
            .table(TableConvertor.builder()
                    .column("Drivers", o -> o.path("spec").path("drivers").size())
                    .age()
                    .build())
            .build();

    public static final ResourceStrategy CSI_DRIVERS = KindStrategy.builder()
            .defaults(d -> {
                ObjectNode spec = Tree.obj(d, "spec");
                if (!spec.has("attachRequired")) spec.put("attachRequired", true);
                if (!spec.has("podInfoOnMount")) spec.put("podInfoOnMount", false);
                if (!spec.has("storageCapacity")) spec.put("storageCapacity", false);
                Tree.defaultText(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
                if (!spec.has("volumeLifecycleModes")) spec.putArray("volumeLifecycleModes").add("Persistent");
                if (!spec.has("requiresRepublish")) spec.put("requiresRepublish", false);
                if (!spec.has("seLinuxMount")) spec.put("seLinuxMount", false);
            })
            .validator(d -> {
                List<FieldError> errs = new ArrayList<>();
                String name = Tree.text(d.path("metadata"), "name");
                Check.invalid(errs, FieldPath.root("metadata").child("name"), name, Formats.qualifiedName(name.toLowerCase(Locale.ROOT)));
                Check.oneOf(errs, d.path("spec"), "fsGroupPolicy", FieldPath.root("spec").child("fsGroupPolicy"), false,
                        List.of("None", "File", "ReadWriteOnceWithFSType"));
                return errs;
            })
            .updateValidator((now, old) -> {
                List<FieldError> errs = new ArrayList<>();
                for (String f : List.of("attachRequired", "podInfoOnMount", "volumeLifecycleModes")) {
                    Check.immutable(errs, now.path("spec").get(f), old.path("spec").get(f), FieldPath.root("spec").child(f));
                }
                return errs;
            })
            .table(TableConvertor.builder()
                    .column("AttachRequired", o -> o.path("spec").path("attachRequired").asBoolean(true))
                    .column("PodInfoOnMount", o -> o.path("spec").path("podInfoOnMount").asBoolean(false))
                    .column("StorageCapacity", o -> o.path("spec").path("storageCapacity").asBoolean(false))
                    .column("TokenRequests", o -> o.path("spec").path("tokenRequests").size() == 0 ? "<unset>" : "")
                    .column("RequiresRepublish", o -> o.path("spec").path("requiresRepublish").asBoolean(false))
                    .column("Modes", o -> modes(o.path("spec").path("volumeLifecycleModes")))
                    .age()
                    .build())
            .build();

    private static List<FieldError> validateAttachment(ObjectNode va) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = va.path("spec");
        String attacher = Tree.text(s, "attacher");
        if (attacher.isEmpty()) errs.add(FieldError.required(spec.child("attacher"), ""));
        else Check.invalid(errs, spec.child("attacher"), attacher, Formats.qualifiedName(attacher.toLowerCase(Locale.ROOT)));
        String node = Tree.text(s, "nodeName");
        if (node.isEmpty()) errs.add(FieldError.required(spec.child("nodeName"), ""));
        else Check.invalid(errs, spec.child("nodeName"), node, Formats.dns1123Subdomain(node));
        JsonNode source = s.path("source");
        boolean named = !Tree.text(source, "persistentVolumeName").isEmpty();
        boolean inline = Tree.isSet(source, "inlineVolumeSpec");
        if (named == inline) {
            errs.add(FieldError.forbidden(spec.child("source"), "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
        }
        return errs;
    }

    private static List<FieldError> validateCsiNode(ObjectNode node) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath drivers = FieldPath.root("spec").child("drivers");
        JsonNode list = node.path("spec").get("drivers");
        if (list == null || !list.isArray()) {
            errs.add(FieldError.required(drivers, ""));
            return errs;
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode d = list.get(i);
            String name = Tree.text(d, "name");
            FieldPath at = drivers.index(i);
            if (name.isEmpty()) errs.add(FieldError.required(at.child("name"), ""));
            else if (seen.contains(name)) errs.add(FieldError.duplicate(at.child("name"), name));
            seen.add(name);
            if (Tree.text(d, "nodeID").isEmpty()) errs.add(FieldError.required(at.child("nodeID"), ""));
            JsonNode count = d.path("allocatable").get("count");
            if (count != null && count.asLong(-1) < 0) errs.add(FieldError.invalid(at.child("allocatable").child("count"), count, Check.NON_NEGATIVE));
        }
        return errs;
    }

    private static String modes(JsonNode modes) {
        List<String> out = new ArrayList<>();
        modes.forEach(m -> out.add(m.asText()));
        return String.join(",", out);
    }
}
