package dev.pier.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns objects into {@code meta.k8s.io/v1} Table rows. Every table starts with NAME; most end with AGE.
 * Built once per kind with {@link #builder()}.
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
        private final List<Column> columns = new ArrayList<>();

        private Builder() {
            columns.add(new Column("Name", "string", "name",
                    "Name must be unique within a namespace.", 0, o -> o.path("metadata").path("name").asText()));
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

        public Builder age() {
            columns.add(new Column("Age", "string", "", "Time since creation", 0,
                    o -> Ages.since(o.path("metadata").path("creationTimestamp").asText(null))));
            return this;
        }

        public TableConvertor build() {
            return new TableConvertor(columns);
        }
    }
}
