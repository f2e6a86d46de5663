package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Formats;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * core/v1 Events, validated as Kubernetes validates events written through the core API (its "legacy"
 * rules): an old-style event (no eventTime) sits in its object's namespace; a new-style one names its
 * reporting controller, instance, action and reason.
 */
public final class EventStrategy implements ResourceStrategy {
    private static final Map<String, Function<ObjectNode, String>> FIELDS = selectableFields();

    @Override
    public List<FieldError> validate(ObjectNode event) {
        return validateLegacy(event, "involvedObject", "reportingComponent");
    }

    /**
     * The rules both event APIs apply, with the field names of the API the event came through.
     *
     * @param involved    {@code involvedObject} or {@code regarding}
     * @param controller  {@code reportingComponent} or {@code reportingController}
     */
    public static List<FieldError> validateLegacy(ObjectNode event, String involved, String controller) {
        List<FieldError> errs = new ArrayList<>();
        String namespace = Tree.text(event.path("metadata"), "namespace");
        String involvedNs = Tree.text(event.path(involved), "namespace");
        FieldPath nsPath = FieldPath.root(involved).child("namespace");
        if (Tree.text(event, "eventTime").isEmpty()) {
            boolean ok = involvedNs.isEmpty() ? namespace.isEmpty() || namespace.equals("default") : namespace.equals(involvedNs);
            if (!ok) errs.add(FieldError.invalid(nsPath, involvedNs, "does not match event.namespace"));
            return errs;
        }
        if (involvedNs.isEmpty() && !namespace.equals("default") && !namespace.equals("kube-system")) {
            errs.add(FieldError.invalid(nsPath, involvedNs, "does not match event.namespace"));
        }
        String reporter = Tree.text(event, controller);
        if (reporter.isEmpty()) errs.add(FieldError.required(FieldPath.root(controller), ""));
        else Check.invalid(errs, FieldPath.root(controller), reporter, Formats.qualifiedName(reporter));
        String instance = Tree.text(event, "reportingInstance");
        if (instance.isEmpty()) errs.add(FieldError.required(FieldPath.root("reportingInstance"), ""));
        else if (instance.length() > 128) errs.add(FieldError.invalid(FieldPath.root("reportingInstance"), instance, "can have at most 128 characters"));
        String action = Tree.text(event, "action");
        if (action.isEmpty()) errs.add(FieldError.required(FieldPath.root("action"), ""));
        else if (action.length() > 128) errs.add(FieldError.invalid(FieldPath.root("action"), action, "can have at most 128 characters"));
        String reason = Tree.text(event, "reason");
        if (reason.isEmpty()) errs.add(FieldError.required(FieldPath.root("reason"), ""));
        else if (reason.length() > 128) errs.add(FieldError.invalid(FieldPath.root("reason"), reason, "can have at most 128 characters"));
        return errs;
    }

    @Override
    public TableConvertor table() {
        return EventTable.CORE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return FIELDS;
    }

    private static Map<String, Function<ObjectNode, String>> selectableFields() {
        Map<String, Function<ObjectNode, String>> m = new LinkedHashMap<>();
        for (String f : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
            m.put("involvedObject." + f, o -> Tree.text(o.path("involvedObject"), f));
        }
        m.put("reason", o -> Tree.text(o, "reason"));
        m.put("reportingComponent", o -> Tree.text(o, "reportingComponent"));
        m.put("source", o -> Json.text(o, "source.component"));
        m.put("type", o -> Tree.text(o, "type"));
        return Map.copyOf(m);
    }
}
