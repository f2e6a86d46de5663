package dev.pier.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns objects into {@code meta.k8s.io/v1} Table rows. Tables start with NAME (Events put it last, shown
 * only with {@code -o wide}); most have AGE. Built once per kind with {@link #builder()}.
 */
public final class TableConvertor {
    /** The columns Kubernetes shows for kinds without their own: NAME and AGE. */
    public static final TableConvertor NAME_AND_AGE = builder().age().build();

    private final List<Column> columns;

    private TableConvertor(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Column> columns() {
        return columns;
    }

    public ArrayNode columnDefinitions() {
        ArrayNode defs = JsonNodeFactory.instance.arrayNode();
        for (Column c : columns) {
            ObjectNode d = defs.addObject();
            d.put("name", c.name());
            d.put("type", c.type());
            d.put("format", c.format());
            d.put("description", c.description());
            d.put("priority", c.priority());
        }
        return defs;
    }

    public ArrayNode cells(ObjectNode object) {
        ArrayNode cells = JsonNodeFactory.instance.arrayNode();
        for (Column c : columns) {
            Object v;
            try {
                v = c.cell().apply(object);
            } catch (RuntimeException e) {
                v = null; // a malformed object shows an empty cell rather than failing the whole list
            }
            switch (v) {
                case null -> cells.add("<none>");
                case JsonNode n -> cells.add(n);
                case Integer i -> cells.add(i);
                case Long l -> cells.add(l);
                case Boolean b -> cells.add(b);
                default -> cells.add(v.toString());
            }
        }
        return cells;
    }

    public static final class Builder {
        private static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Is required when creating "
                + "resources, although some resources may allow a client to request the generation of an appropriate name "
                + "automatically. Name is primarily intended for creation idempotence and configuration definition. "
                + "Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
        private static final String AGE_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time when "
                + "this object was created. It is not guaranteed to be set in happens-before order across separate operations. "
                + "Clients may not set this value. It is represented in RFC3339 form and is in UTC.";

        private final List<Column> columns = new ArrayList<>();
        private Function<ObjectNode, Object> nameCell = o -> o.path("metadata").path("name").asText();
        private int namePriority = 0;
        private boolean nameLast;

        private Builder() {
        }

        /** A string column shown by default. */
        public Builder column(String name, Function<ObjectNode, Object> cell) {
            return column(name, "string", 0, cell);
        }

        /** A string column shown only with {@code -o wide}. */
        public Builder wide(String name, Function<ObjectNode, Object> cell) {
            return column(name, "string", 1, cell);
        }

        public Builder column(String name, String type, int priority, Function<ObjectNode, Object> cell) {
            columns.add(new Column(name, type, "", name, priority, cell));
            return this;
        }

        /** An integer column shown by default (kubectl right-aligns nothing, but clients sort by type). */
        public Builder integer(String name, Function<ObjectNode, Object> cell) {
            return column(name, "integer", 0, cell);
        }

        public Builder age() {
            columns.add(new Column("Age", "string", "", AGE_DESCRIPTION, 0,
                    o -> Ages.since(o.path("metadata").path("creationTimestamp").asText(null))));
            return this;
        }

        /** Replaces what the NAME cell shows (e.g. StorageClass's {@code standard (default)}); its definition stays. */
        public Builder nameCell(Function<ObjectNode, Object> cell) {
            this.nameCell = cell;
            return this;
        }

        /**
         * Moves the Name column after all others with the given priority, as Kubernetes does for Events
         * (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and NAME only with {@code -o wide}).
         */
        public Builder nameLast(int priority) {
            this.nameLast = true;
            this.namePriority = priority;
            return this;
        }

        public TableConvertor build() {
            Column name = new Column("Name", "string", "name", NAME_DESCRIPTION, namePriority, nameCell);
            List<Column> all = new ArrayList<>(columns.size() + 1);
            if (!nameLast) all.add(name);
            all.addAll(columns);
            if (nameLast) all.add(name);
            return new TableConvertor(all);
        }
    }
}
