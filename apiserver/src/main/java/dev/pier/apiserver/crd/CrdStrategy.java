package dev.pier.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1): defaults the names, requires a consistent
 * definition (name = plural.group, one storage version, a schema per version), and adds the clean-up
 * finalizer so that deleting a CRD first deletes its objects.
 */
final class CrdStrategy implements ResourceStrategy {
    static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
    private static final TableConvertor TABLE = TableConvertor.builder()
            .column("Created At", "date", 0, o -> o.path("metadata").path("creationTimestamp").asText())
            .build();

    @Override
    public void prepareForCreate(ObjectNode crd) {
        defaults(crd);
        var finalizers = crd.withObject("metadata").withArray("finalizers");
        boolean present = false;
        for (JsonNode f : finalizers) present |= f.asText().equals(CLEANUP_FINALIZER);
        if (!present) finalizers.add(CLEANUP_FINALIZER);
    }

    @Override
    public void prepareForUpdate(ObjectNode crd, ObjectNode old) {
        defaults(crd);
    }

    private static void defaults(ObjectNode crd) {
        ObjectNode names = Json.with(crd, "spec", "names");
        String kind = names.path("kind").asText("");
        if (!kind.isEmpty()) {
            if (!names.has("singular")) names.put("singular", kind.toLowerCase());
            if (!names.has("listKind")) names.put("listKind", kind + "List");
        }
        ObjectNode conversion = Json.with(crd, "spec", "conversion");
        if (!conversion.has("strategy")) conversion.put("strategy", "None");
    }

    @Override
    public List<FieldError> validate(ObjectNode crd) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = crd.path("spec");
        String group = s.path("group").asText("");
        String plural = s.path("names").path("plural").asText("");
        if (group.isEmpty()) errors.add(FieldError.required(spec.child("group"), ""));
        else if (!group.contains(".")) errors.add(FieldError.invalid(spec.child("group"), group, "should be a domain with at least one dot"));
        if (plural.isEmpty()) errors.add(FieldError.required(spec.child("names").child("plural"), ""));
        else if (NameRule.DNS_LABEL.check(plural) != null) errors.add(FieldError.invalid(spec.child("names").child("plural"), plural, NameRule.DNS_LABEL.check(plural)));
        if (s.path("names").path("kind").asText("").isEmpty()) errors.add(FieldError.required(spec.child("names").child("kind"), ""));
        String name = crd.path("metadata").path("name").asText("");
        if (!plural.isEmpty() && !group.isEmpty() && !name.equals(plural + "." + group)) {
            errors.add(FieldError.invalid(FieldPath.root("metadata").child("name"), name, "must be spec.names.plural+\".\"+spec.group"));
        }
        String scope = s.path("scope").asText("");
        if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
            errors.add(FieldError.notSupported(spec.child("scope"), scope, List.of("Cluster", "Namespaced")));
        }
        JsonNode versions = s.path("versions");
        if (!versions.isArray() || versions.isEmpty()) {
            errors.add(FieldError.required(spec.child("versions"), "must have exactly one version marked as storage version"));
            return errors;
        }
        int storage = 0;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            FieldPath vp = spec.child("versions").index(i);
            String vn = v.path("name").asText("");
            if (vn.isEmpty() || NameRule.DNS1035_LABEL.check(vn) != null) errors.add(FieldError.invalid(vp.child("name"), vn, "must be a DNS-1035 label"));
            if (!seen.add(vn)) errors.add(FieldError.duplicate(vp.child("name"), vn));
            if (v.path("storage").asBoolean(false)) storage++;
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (schema.isMissingNode()) {
                errors.add(FieldError.required(vp.child("schema").child("openAPIV3Schema"), "schemas are required"));
            } else if (!schema.path("type").asText("").equals("object")) {
                errors.add(FieldError.invalid(vp.child("schema").child("openAPIV3Schema").child("type"), schema.path("type").asText(""),
                        "must be object at the root"));
            }
            JsonNode columns = v.path("additionalPrinterColumns");
            for (int c = 0; c < columns.size(); c++) {
                String jp = columns.get(c).path("jsonPath").asText("");
                if (jp.isEmpty() || !PrinterColumn.valid(jp)) {
                    errors.add(FieldError.invalid(vp.child("additionalPrinterColumns").index(c).child("jsonPath"), jp, "must be a simple json path"));
                }
            }
        }
        if (storage != 1) errors.add(FieldError.invalid(spec.child("versions"), storage, "must have exactly one version marked as storage version"));
        return errors;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode crd, ObjectNode old) {
        List<FieldError> errors = new ArrayList<>(validate(crd));
        if (!crd.path("spec").path("group").equals(old.path("spec").path("group"))) {
            errors.add(FieldError.invalid(FieldPath.root("spec").child("group"), crd.path("spec").path("group").asText(), "field is immutable"));
        }
        if (!crd.path("spec").path("scope").equals(old.path("spec").path("scope"))) {
            errors.add(FieldError.invalid(FieldPath.root("spec").child("scope"), crd.path("spec").path("scope").asText(), "field is immutable"));
        }
        return errors;
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
