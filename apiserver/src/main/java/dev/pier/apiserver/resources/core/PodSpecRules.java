package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validation of a pod spec (Kubernetes' ValidatePodSpec, the parts users meet), shared by pods and every
 * workload template, so an error names the same field under {@code spec} or {@code spec.template.spec}.
 */
public final class PodSpecRules {
    public static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    private static final List<String> TOLERATION_OPERATORS = List.of("Equal", "Exists");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private PodSpecRules() {
    }

    /** Validates the pod spec {@code spec} found at {@code path}. */
    public static void validate(List<FieldError> errs, JsonNode spec, FieldPath path) {
        Set<String> volumes = volumes(errs, spec, path.child("volumes"));
        Set<String> names = new HashSet<>();
        List<JsonNode> init = Tree.items(spec, "initContainers");
        for (int i = 0; i < init.size(); i++) {
            ContainerRules.validate(errs, init.get(i), path.child("initContainers").index(i), names, volumes);
        }
        List<JsonNode> containers = Tree.items(spec, "containers");
        if (containers.isEmpty()) errs.add(FieldError.required(path.child("containers"), ""));
        for (int i = 0; i < containers.size(); i++) {
            ContainerRules.validate(errs, containers.get(i), path.child("containers").index(i), names, volumes);
        }
        restartPolicy(errs, spec, path.child("restartPolicy"));
        Check.oneOf(errs, spec, "dnsPolicy", path.child("dnsPolicy"), true, DNS_POLICIES);
        if (Tree.isSet(spec, "activeDeadlineSeconds")) {
            long v = Tree.number(spec, "activeDeadlineSeconds", 0);
            if (v < 1 || v > Integer.MAX_VALUE) {
                errs.add(FieldError.invalid(path.child("activeDeadlineSeconds"), v, "must be between 1 and 2147483647, inclusive"));
            }
        }
        String sa = Tree.text(spec, "serviceAccountName");
        if (!sa.isEmpty()) Check.invalid(errs, path.child("serviceAccountName"), sa, Formats.dns1123Subdomain(sa));
        for (String f : List.of("hostname", "subdomain")) {
            String v = Tree.text(spec, f);
            if (!v.isEmpty()) Check.invalid(errs, path.child(f), v, Formats.dns1123Label(v));
        }
        Check.labels(errs, spec.get("nodeSelector"), path.child("nodeSelector"));
        tolerations(errs, spec, path.child("tolerations"));
    }

    /** Required, and one of Always, OnFailure, Never; kinds with narrower rules check again. */
    private static void restartPolicy(List<FieldError> errs, JsonNode spec, FieldPath path) {
        Check.oneOf(errs, spec, "restartPolicy", path, true, RESTART_POLICIES);
    }

    private static Set<String> volumes(List<FieldError> errs, JsonNode spec, FieldPath path) {
        Set<String> names = new HashSet<>();
        List<JsonNode> volumes = Tree.items(spec, "volumes");
        for (int i = 0; i < volumes.size(); i++) {
            String name = Tree.text(volumes.get(i), "name");
            FieldPath p = path.index(i).child("name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(p, ""));
                continue;
            }
            Check.invalid(errs, p, name, Formats.dns1123Label(name));
            if (!names.add(name)) errs.add(FieldError.duplicate(p, name));
            int sources = 0;
            for (var it = volumes.get(i).fieldNames(); it.hasNext(); ) if (!it.next().equals("name")) sources++;
            if (sources > 1) errs.add(FieldError.forbidden(path.index(i), "may not specify more than 1 volume type"));
        }
        return names;
    }

    private static void tolerations(List<FieldError> errs, JsonNode spec, FieldPath path) {
        List<JsonNode> tolerations = Tree.items(spec, "tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            JsonNode t = tolerations.get(i);
            FieldPath p = path.index(i);
            String key = Tree.text(t, "key");
            if (!key.isEmpty()) Check.invalid(errs, p.child("key"), key, Formats.qualifiedName(key));
            String op = Tree.text(t, "operator");
            if (key.isEmpty() && !op.equals("Exists")) {
                errs.add(FieldError.invalid(p.child("operator"), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }
            Check.oneOf(errs, t, "operator", p.child("operator"), false, TOLERATION_OPERATORS);
            if (op.equals("Exists") && !Tree.text(t, "value").isEmpty()) {
                errs.add(FieldError.invalid(p.child("operator"), Tree.text(t, "value"), "value must be empty when `operator` is 'Exists'"));
            }
            Check.oneOf(errs, t, "effect", p.child("effect"), false, TAINT_EFFECTS);
            if (Tree.isSet(t, "tolerationSeconds") && !Tree.text(t, "effect").equals("NoExecute")) {
                errs.add(FieldError.invalid(p.child("effect"), Tree.text(t, "effect"), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }
        }
    }
}
