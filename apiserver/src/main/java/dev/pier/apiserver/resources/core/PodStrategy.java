package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.GracefulDeletion;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pods: spec defaults and admission defaults on create, a Pending status with the QoS class, spec
 * validation, the narrow set of spec changes a running pod allows, the pod table and field selectors.
 * Pods in Kubernetes 1.32 carry no metadata.generation. A pod bound to a node is deleted gracefully:
 * marked, and removed when its kubelet has stopped it and deletes it again with a zero grace period.
 */
public final class PodStrategy implements ResourceStrategy, GracefulDeletion {
    private static final Map<String, Function<ObjectNode, String>> FIELDS = selectableFields();

    @Override
    public void prepareForCreate(ObjectNode pod) {
        ObjectNode spec = Tree.obj(pod, "spec");
        PodDefaults.podSpec(spec);
        PodDefaults.podOnly(pod, true);
        ObjectNode status = pod.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", Resources.qosClass(spec));
    }

    @Override
    public void prepareForUpdate(ObjectNode pod, ObjectNode old) {
        PodDefaults.podSpec(Tree.obj(pod, "spec"));
        PodDefaults.podOnly(pod, false);
    }

    @Override
    public List<FieldError> validate(ObjectNode pod) {
        List<FieldError> errs = new ArrayList<>();
        PodSpecRules.validate(errs, pod.path("spec"), FieldPath.root("spec"));
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode pod, ObjectNode old) {
        List<FieldError> errs = validate(pod);
        errs.addAll(PodUpdateRules.validate(pod, old));
        return errs;
    }

    @Override
    public void prepareForDeletion(ObjectNode pod) {
    }

    @Override
    public boolean keepsUntilFinalized(ObjectNode marked) {
        String phase = Json.text(marked, "status.phase");
        return !Json.text(marked, "spec.nodeName").isEmpty() && !phase.equals("Succeeded") && !phase.equals("Failed")
                && marked.path("metadata").path("deletionGracePeriodSeconds").asLong(0) > 0;
    }

    @Override
    public long defaultGracePeriodSeconds(ObjectNode pod) {
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
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
        return PodTable.TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return FIELDS;
    }

    private static Map<String, Function<ObjectNode, String>> selectableFields() {
        Map<String, Function<ObjectNode, String>> m = new LinkedHashMap<>();
        for (String f : List.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                "status.phase", "status.podIP", "status.nominatedNodeName")) {
            m.put(f, o -> Json.text(o, f));
        }
        m.put("spec.hostNetwork", o -> Boolean.toString(Tree.bool(o.path("spec"), "hostNetwork")));
        return Map.copyOf(m);
    }
}
