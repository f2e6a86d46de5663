package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.Ages;
import dev.pier.apiserver.table.TableConvertor;

import java.util.function.UnaryOperator;

/**
 * The table of {@code kubectl get events}: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and with
 * {@code -o wide} SUBOBJECT, SOURCE, FIRST SEEN, COUNT and NAME (which Kubernetes puts last). Built over
 * core/v1 Event fields; events.k8s.io Events are shown through a conversion to that shape, as
 * Kubernetes prints both from one internal type.
 */
public final class EventTable {
    /** The table of core/v1 Events. */
    public static final TableConvertor CORE = build(UnaryOperator.identity());

    private EventTable() {
    }

    /** A table over events that {@code toCore} turns into core/v1 shape first. */
    public static TableConvertor build(UnaryOperator<ObjectNode> toCore) {
        return TableConvertor.builder()
                .column("Last Seen", o -> lastSeen(toCore.apply(o)))
                .column("Type", o -> Tree.text(toCore.apply(o), "type"))
                .column("Reason", o -> Tree.text(toCore.apply(o), "reason"))
                .column("Object", o -> object(toCore.apply(o)))
                .wide("Subobject", o -> Tree.text(toCore.apply(o).path("involvedObject"), "fieldPath"))
                .wide("Source", o -> source(toCore.apply(o)))
                .column("Message", o -> Tree.text(toCore.apply(o), "message").strip())
                .wide("First Seen", o -> firstSeen(toCore.apply(o)))
                .column("Count", "string", 1, o -> count(toCore.apply(o)))
                .nameLast(1)
                .build();
    }

    static String firstSeen(JsonNode e) {
        String first = Tree.text(e, "firstTimestamp");
        return Ages.since(first.isEmpty() ? Tree.text(e, "eventTime") : first);
    }

    static String lastSeen(JsonNode e) {
        if (e.path("series").isObject()) return Ages.since(Tree.text(e.path("series"), "lastObservedTime"));
        String last = Tree.text(e, "lastTimestamp");
        return last.isEmpty() ? firstSeen(e) : Ages.since(last);
    }

    static long count(JsonNode e) {
        if (e.path("series").isObject()) return Tree.number(e.path("series"), "count", 0);
        long count = Tree.number(e, "count", 0);
        return count == 0 ? 1 : count; // singleton events of the new API carry no count
    }

    /** {@code kind/name} in lower case, e.g. {@code pod/web-0}. */
    static String object(JsonNode e) {
        JsonNode o = e.path("involvedObject");
        String kind = Tree.text(o, "kind").toLowerCase(java.util.Locale.ROOT);
        String name = Tree.text(o, "name");
        return name.isEmpty() ? kind : kind + "/" + name;
    }

    static String source(JsonNode e) {
        String component = Tree.text(e.path("source"), "component");
        if (component.isEmpty()) component = Tree.text(e, "reportingComponent");
        String host = Tree.text(e.path("source"), "host");
        if (host.isEmpty()) host = Tree.text(e, "reportingInstance");
        return host.isEmpty() ? component : component + ", " + host;
    }
}
