package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Tree;

import java.util.List;

/** What PersistentVolumes and claims share: access modes, volume modes and their printed storage class. */
final class Volumes {
    static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
    static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
    static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private Volumes() {
    }

    /** @param requiredDetail the detail of the Required error when no mode is given */
    static void accessModes(List<FieldError> errs, JsonNode spec, FieldPath path, String requiredDetail) {
        List<JsonNode> modes = Tree.items(spec, "accessModes");
        if (modes.isEmpty()) {
            errs.add(FieldError.required(path, requiredDetail));
            return;
        }
        boolean oncePod = false;
        for (JsonNode m : modes) {
            if (!ACCESS_MODES.contains(m.asText())) errs.add(FieldError.notSupported(path, m.asText(), ACCESS_MODES));
            if (m.asText().equals("ReadWriteOncePod")) oncePod = true;
        }
        if (oncePod && modes.size() > 1) {
            errs.add(FieldError.forbidden(path, "may not use ReadWriteOncePod with other access modes"));
        }
    }

    /** The class a volume or claim is shown with: the beta annotation wins over storageClassName. */
    static String storageClass(JsonNode object) {
        String annotated = Tree.text(object.path("metadata").path("annotations"), BETA_CLASS_ANNOTATION);
        return !annotated.isEmpty() ? annotated : Tree.text(object.path("spec"), "storageClassName");
    }

    static String orUnset(String s) {
        return s.isEmpty() ? "<unset>" : s;
    }
}
