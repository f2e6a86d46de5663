package dev.pier.apiserver.resources.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.resources.Check;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.resources.core.EventStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * events.k8s.io/v1 Events: the new event API's stricter rules (eventTime, type, reporting controller,
 * no deprecated fields on create) and the same table as core Events, through their field mapping
 * ({@code regarding} is {@code involvedObject}, {@code note} is {@code message} ...).
 */
public final class EventsV1Strategy implements ResourceStrategy {
    private static final TableConvertor TABLE = dev.pier.apiserver.resources.core.EventTable.build(EventsV1Strategy::toCore);
    private static final Map<String, Function<ObjectNode, String>> FIELDS = selectableFields();

    @Override
    public List<FieldError> validate(ObjectNode e) {
        List<FieldError> errs = EventStrategy.validateLegacy(e, "regarding", "reportingController");
        if (Tree.text(e, "eventTime").isEmpty()) errs.add(FieldError.required(FieldPath.root("eventTime"), ""));
        String type = Tree.text(e, "type");
        if (!type.equals("Normal") && !type.equals("Warning")) errs.add(FieldError.invalid(FieldPath.root("type"), "", "has invalid value: " + type));
        if (Tree.text(e, "note").length() > 1024) errs.add(FieldError.tooLong(FieldPath.root("note"), 1024));
        // The deprecated fields exist for events converted from the core API; a new event may not set them.
        for (String f : List.of("deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource")) {
            JsonNode v = e.get(f);
            boolean set = v != null && !v.isNull() && !(v.isNumber() && v.asLong() == 0) && !(v.isObject() && v.isEmpty());
            if (set) errs.add(FieldError.invalid(FieldPath.root(f), "", "needs to be unset"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode e, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(EventStrategy.validateLegacy(e, "regarding", "reportingController"));
        for (String f : List.of("regarding", "related", "reason", "note", "reportingController", "reportingInstance", "action", "type", "eventTime")) {
            Check.immutable(errs, e.get(f), old.get(f), FieldPath.root(f));
        }
        return errs;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return FIELDS;
    }

    private static Map<String, Function<ObjectNode, String>> selectableFields() {
        Map<String, Function<ObjectNode, String>> m = new LinkedHashMap<>();
        for (String f : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
            m.put("regarding." + f, o -> Tree.text(o.path("regarding"), f));
        }
        m.put("reason", o -> Tree.text(o, "reason"));
        m.put("reportingController", o -> Tree.text(o, "reportingController"));
        m.put("type", o -> Tree.text(o, "type"));
        return Map.copyOf(m);
    }

    /** The event in core/v1 shape, as Kubernetes converts between the two APIs. */
    static ObjectNode toCore(ObjectNode e) {
        ObjectNode c = Json.object();
        c.set("metadata", e.path("metadata"));
        copy(e, "regarding", c, "involvedObject");
        copy(e, "note", c, "message");
        copy(e, "deprecatedFirstTimestamp", c, "firstTimestamp");
        copy(e, "deprecatedLastTimestamp", c, "lastTimestamp");
        copy(e, "deprecatedCount", c, "count");
        copy(e, "deprecatedSource", c, "source");
        for (String same : List.of("reason", "type", "eventTime", "series", "action", "reportingInstance")) copy(e, same, c, same);
        copy(e, "reportingController", c, "reportingComponent");
        return c;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        if (from.has(field)) to.set(as, from.get(field));
    }
}
