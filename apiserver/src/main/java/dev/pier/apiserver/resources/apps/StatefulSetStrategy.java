package dev.pier.apiserver.resources.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ScaleSubresource;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.PodDefaults;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * StatefulSets: OrderedReady pods, RollingUpdate from partition 0, claims retained on delete and scale,
 * one replica and 10 revisions by default; after creation only replicas, ordinals, template, update
 * strategy, claim retention and minReadySeconds may change.
 */
public final class StatefulSetStrategy implements ResourceStrategy {
    private static final Set<String> UPDATABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds");
    private static final TableConvertor TABLE = WorkloadRules.wideColumns(TableConvertor.builder()
            .column("Ready", o -> WorkloadRules.count(o.path("status"), "readyReplicas") + "/" + WorkloadRules.count(o.path("spec"), "replicas"))
            .age(), false).build();

    @Override
    public void prepareForCreate(ObjectNode sts) {
        defaults(sts);
        sts.putObject("status").put("replicas", 0).put("availableReplicas", 0);
    }

    @Override
    public void prepareForUpdate(ObjectNode sts, ObjectNode old) {
        defaults(sts);
    }

    private static void defaults(ObjectNode sts) {
        ObjectNode spec = Tree.obj(sts, "spec");
        Tree.defaultText(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode strategy = Tree.obj(spec, "updateStrategy");
        if (Tree.text(strategy, "type").isEmpty()) {
            strategy.put("type", "RollingUpdate");
            Tree.obj(strategy, "rollingUpdate");
        }
        if (Tree.text(strategy, "type").equals("RollingUpdate") && strategy.get("rollingUpdate") instanceof ObjectNode rolling) {
            Tree.defaultNumber(rolling, "partition", 0);
        }
        ObjectNode retention = Tree.obj(spec, "persistentVolumeClaimRetentionPolicy");
        Tree.defaultText(retention, "whenDeleted", "Retain");
        Tree.defaultText(retention, "whenScaled", "Retain");
        Tree.defaultNumber(spec, "replicas", 1);
        Tree.defaultNumber(spec, "revisionHistoryLimit", 10);
        PodDefaults.template(Tree.obj(spec, "template"));
        for (ObjectNode claim : Tree.objects(spec, "volumeClaimTemplates")) {
            ObjectNode meta = Tree.obj(claim, "metadata");
            if (!meta.has("creationTimestamp")) meta.putNull("creationTimestamp");
            Tree.defaultText(Tree.obj(claim, "spec"), "volumeMode", "Filesystem");
            Tree.defaultText(Tree.obj(claim, "status"), "phase", "Pending");
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode sts) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath spec = FieldPath.root("spec");
        JsonNode s = sts.path("spec");
        Check.oneOf(errs, s, "podManagementPolicy", spec.child("podManagementPolicy"), true, List.of("OrderedReady", "Parallel"));
        JsonNode strategy = s.path("updateStrategy");
        FieldPath sp = spec.child("updateStrategy");
        String type = Tree.text(strategy, "type");
        if (type.equals("OnDelete") && Tree.isSet(strategy, "rollingUpdate")) {
            errs.add(FieldError.invalid(sp.child("rollingUpdate"), strategy.get("rollingUpdate"), "only allowed for updateStrategy 'RollingUpdate'"));
        } else if (!type.equals("OnDelete")) {
            Check.oneOf(errs, strategy, "type", sp.child("type"), true, List.of("OnDelete", "RollingUpdate"));
            Check.nonNegative(errs, strategy.path("rollingUpdate"), "partition", sp.child("rollingUpdate").child("partition"));
        }
        for (String f : List.of("whenDeleted", "whenScaled")) {
            Check.oneOf(errs, s.path("persistentVolumeClaimRetentionPolicy"), f,
                    spec.child("persistentVolumeClaimRetentionPolicy").child(f), true, List.of("Delete", "Retain"));
        }
        Check.nonNegative(errs, s, "replicas", spec.child("replicas"));
        Check.nonNegative(errs, s, "minReadySeconds", spec.child("minReadySeconds"));
        Check.nonNegative(errs, s, "revisionHistoryLimit", spec.child("revisionHistoryLimit"));
        WorkloadRules.selectorAndTemplate(errs, s, spec, "statefulset");
        WorkloadRules.alwaysRestart(errs, s, spec, "StatefulSet");
        // Containers may mount the volumes the claim templates will provide, which the pod template does not list.
        java.util.Set<String> claims = new java.util.HashSet<>();
        for (JsonNode claim : s.path("volumeClaimTemplates")) claims.add(claim.path("metadata").path("name").asText());
        errs.removeIf(e -> e.type() == FieldError.Type.NOT_FOUND && e.field().toString().contains(".volumeMounts[")
                && e.badValue() != null && claims.contains(String.valueOf(e.badValue() instanceof JsonNode n ? n.asText() : e.badValue())));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode sts, ObjectNode old) {
        List<FieldError> errs = validate(sts);
        ObjectNode now = Tree.copyOf(sts.path("spec"));
        ObjectNode was = Tree.copyOf(old.path("spec"));
        now.remove(UPDATABLE);
        was.remove(UPDATABLE);
        if (!Tree.same(now, was)) {
            errs.add(FieldError.forbidden(FieldPath.root("spec"), "updates to statefulset spec for fields other than 'replicas', "
                    + "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public ScaleSubresource scale() {
        return WorkloadRules.SCALE;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
