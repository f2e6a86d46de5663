package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One step of a field path, as structured merge knows them: a field of a map ({@code f:name}), an item of
 * a list merged by keys ({@code k:{"name":"c"}}), an item of a set ({@code v:"x"}) or an item by position
 * ({@code i:0}, only read, never produced). Elements order as Kubernetes sorts them: fields, then keys,
 * then values, then indexes.
 */
sealed interface PathElement extends Comparable<PathElement> {

    /** The FieldsV1 key of this element, e.g. {@code f:spec}. */
    String encode();

    /** How a path prints this element in messages, e.g. {@code .spec} or {@code [name="c"]}. */
    @Override
    String toString();

    int rank();

    record Field(String name) implements PathElement {
        @Override
        public String encode() {
            return "f:" + name;
        }

        @Override
        public String toString() {
            return "." + name;
        }

        @Override
        public int rank() {
            return 0;
        }
    }

    /** A list-map item, by its key fields sorted by name. */
    record Key(List<Map.Entry<String, JsonNode>> fields) implements PathElement {
        public Key {
            List<Map.Entry<String, JsonNode>> sorted = new ArrayList<>(fields);
            sorted.sort(Map.Entry.comparingByKey());
            fields = Collections.unmodifiableList(sorted);
        }

        @Override
        public String encode() {
            return "k:" + json();
        }

        String json() {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(Values.quote(fields.get(i).getKey())).append(':').append(Values.canonical(fields.get(i).getValue()));
            }
            return sb.append('}').toString();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(fields.get(i).getKey()).append('=').append(Values.display(fields.get(i).getValue()));
            }
            return sb.append(']').toString();
        }

        @Override
        public int rank() {
            return 1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.json().equals(json());
        }

        @Override
        public int hashCode() {
            return json().hashCode();
        }
    }

    /** A set item. */
    record Value(JsonNode value) implements PathElement {
        @Override
        public String encode() {
            return "v:" + Values.canonical(value);
        }

        @Override
        public String toString() {
            return "[=" + Values.display(value) + "]";
        }

        @Override
        public int rank() {
            return 2;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Values.canonical(v.value).equals(Values.canonical(value));
        }

        @Override
        public int hashCode() {
            return Values.canonical(value).hashCode();
        }
    }

    record Index(int index) implements PathElement {
        @Override
        public String encode() {
            return "i:" + index;
        }

        @Override
        public String toString() {
            return "[" + index + "]";
        }

        @Override
        public int rank() {
            return 3;
        }
    }

    Comparator<PathElement> ORDER = (a, b) -> {
        if (a.rank() != b.rank()) return Integer.compare(a.rank(), b.rank());
        return switch (a) {
            case Field f -> f.name().compareTo(((Field) b).name());
            case Key k -> {
                List<Map.Entry<String, JsonNode>> x = k.fields();
                List<Map.Entry<String, JsonNode>> y = ((Key) b).fields();
                for (int i = 0; ; i++) {
                    if (i >= x.size() && i >= y.size()) yield 0;
                    if (i >= x.size()) yield -1;
                    if (i >= y.size()) yield 1;
                    int c = x.get(i).getKey().compareTo(y.get(i).getKey());
                    if (c != 0) yield c;
                    c = Values.compare(x.get(i).getValue(), y.get(i).getValue());
                    if (c != 0) yield c;
                }
            }
            case Value v -> {
                int c = Values.compare(v.value(), ((Value) b).value());
                yield c != 0 ? c : Values.canonical(v.value()).compareTo(Values.canonical(((Value) b).value()));
            }
            case Index i -> Integer.compare(i.index(), ((Index) b).index());
        };
    };

    @Override
    default int compareTo(PathElement o) {
        return ORDER.compare(this, o);
    }

    /** Parses a FieldsV1 key; throws IllegalArgumentException when it is not one. */
    static PathElement parse(String s) {
        if (s.length() < 2 || s.charAt(1) != ':') throw new IllegalArgumentException("invalid path element " + s);
        String rest = s.substring(2);
        return switch (s.charAt(0)) {
            case 'f' -> new Field(rest);
            case 'k' -> {
                JsonNode n = parseJson(rest);
                if (!(n instanceof ObjectNode o) || o.isEmpty()) throw new IllegalArgumentException("invalid key " + s);
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                o.fields().forEachRemaining(e -> fields.add(Map.entry(e.getKey(), e.getValue())));
                yield new Key(fields);
            }
            case 'v' -> new Value(parseJson(rest));
            case 'i' -> {
                try {
                    yield new Index(Integer.parseInt(rest));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid index " + s);
                }
            }
            default -> throw new IllegalArgumentException("invalid path element " + s);
        };
    }

    private static JsonNode parseJson(String s) {
        try {
            JsonNode n = Json.MAPPER.readTree(s);
            if (n == null || n.isMissingNode()) throw new IllegalArgumentException("invalid JSON in path element: " + s);
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON in path element: " + s);
        }
    }

    /** Prints a path as Kubernetes does in conflicts: {@code .spec.template.spec.containers[name="c"].image}. */
    static String toString(List<PathElement> path) {
        StringBuilder sb = new StringBuilder();
        for (PathElement e : path) sb.append(e);
        return sb.toString();
    }
}
