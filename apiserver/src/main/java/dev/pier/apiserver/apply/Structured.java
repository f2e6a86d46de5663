package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of structured merge over JSON trees and a {@link TypeSchema}: the field set of an applied
 * configuration, the comparison of two objects (added, modified and removed fields), the merge of a
 * configuration into a live object, removal of paths, and the Go zero values built-in kinds always carry.
 * Lists that cannot be keyed (an item without its key, duplicate keys) are read as atomic when they come
 * from a live object, and rejected when they come from an applied configuration.
 */
final class Structured {
    private Structured() {
    }

    /** A list in an applied configuration that cannot be merged. */
    static final class InvalidListException extends RuntimeException {
        InvalidListException(String message) {
            super(message, null, false, false);
        }
    }

    /** What changed between two objects; non-leaf nodes count as added or removed when they appear or go. */
    record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
        FieldSet changed() {
            return added.union(modified);
        }

        boolean isSame() {
            return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
        }
    }

    // ---------------------------------------------------------------- list items

    /**
     * The path elements of a list's items, or null when the list cannot be keyed and {@code strict} is false.
     */
    static List<PathElement> elements(TypeSchema list, ArrayNode items, boolean strict, List<PathElement> path) {
        List<PathElement> out = new ArrayList<>(items.size());
        Set<PathElement> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            PathElement pe = element(list, item);
            if (pe == null) {
                if (!strict) return null;
                throw new InvalidListException(PathElement.toString(path) + ": element " + i + ": "
                        + (list.isSet() ? "only scalar values are allowed in a set"
                        : "associative list with keys has an element that omits key field " + missingKey(list, item)));
            }
            if (!seen.add(pe)) {
                if (!strict) return null;
                throw new InvalidListException(PathElement.toString(path) + ": duplicate entries for key " + pe);
            }
            out.add(pe);
        }
        return out;
    }

    private static String missingKey(TypeSchema list, JsonNode item) {
        for (String k : list.keys()) {
            if (item == null || !item.hasNonNull(k)) return "\"" + k + "\"";
        }
        return "";
    }

    private static PathElement element(TypeSchema list, JsonNode item) {
        if (list.isSet()) {
            return item == null || item.isContainerNode() ? null : new PathElement.Value(item);
        }
        if (!(item instanceof ObjectNode o)) return null;
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(list.keys().size());
        for (String k : list.keys()) {
            JsonNode v = o.get(k);
            if (v == null || v.isNull()) v = list.items().keyDefault(k);
            if (v == null || v.isContainerNode()) return null;
            fields.add(Map.entry(k, v));
        }
        return new PathElement.Key(fields);
    }

    // ---------------------------------------------------------------- field set of a configuration

    /** The fields an applied configuration sets, as Kubernetes' {@code ToFieldSet}. */
    static FieldSet toFieldSet(JsonNode value, TypeSchema schema, boolean strict) {
        FieldSet out = new FieldSet();
        walkSet(value, schema, new ArrayList<>(), out, strict);
        return out;
    }

    private static void walkSet(JsonNode v, TypeSchema s, List<PathElement> path, FieldSet out, boolean strict) {
        switch (s.rel(v)) {
            case LEAF -> {
                if (!path.isEmpty()) out.insert(path);
            }
            case MAP -> {
                if (!(v instanceof ObjectNode o)) return;
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode c = e.getValue();
                    path.add(new PathElement.Field(e.getKey()));
                    walkSet(c, s.field(e.getKey()), path, out, strict);
                    if (c.isNull() || c.isObject() && c.isEmpty() || !s.declares(e.getKey())) out.insert(path);
                    path.removeLast();
                }
            }
            case LIST -> {
                if (!(v instanceof ArrayNode a)) return;
                List<PathElement> pes = elements(s, a, strict, path);
                if (pes == null) {
                    out.insert(path);
                    return;
                }
                for (int i = 0; i < a.size(); i++) {
                    path.add(pes.get(i));
                    walkSet(a.get(i), s.items(), path, out, strict);
                    out.insert(path);
                    path.removeLast();
                }
            }
        }
    }

    // ---------------------------------------------------------------- compare

    static Comparison compare(JsonNode lhs, JsonNode rhs, TypeSchema schema) {
        Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compare(lhs, rhs, schema, new ArrayList<>(), c);
        return c;
    }

    private static boolean absentOrNull(JsonNode n) {
        return n == null || n.isNull();
    }

    private static TypeSchema.Rel relOf(JsonNode l, JsonNode r, TypeSchema s) {
        JsonNode sample = !absentOrNull(r) ? r : l;
        TypeSchema.Rel rel = s.rel(sample);
        if (rel == TypeSchema.Rel.MAP && !(mapOrNothing(l) && mapOrNothing(r))) return TypeSchema.Rel.LEAF;
        if (rel == TypeSchema.Rel.LIST && !(listOrNothing(l) && listOrNothing(r))) return TypeSchema.Rel.LEAF;
        return rel;
    }

    private static boolean mapOrNothing(JsonNode n) {
        return absentOrNull(n) || n.isObject();
    }

    private static boolean listOrNothing(JsonNode n) {
        return absentOrNull(n) || n.isArray();
    }

    private static boolean emptyContainer(JsonNode n) {
        return absentOrNull(n) || n.isContainerNode() && n.isEmpty();
    }

    private static void compare(JsonNode l, JsonNode r, TypeSchema s, List<PathElement> path, Comparison c) {
        if (l == null && r == null) return;
        switch (relOf(l, r, s)) {
            case LEAF -> {
                leaf(l, r, path, c);
                return;
            }
            case MAP -> {
                if (emptyContainer(l) && emptyContainer(r)) {
                    leaf(l, r, path, c);
                    return;
                }
                LinkedHashMap<String, Boolean> keys = new LinkedHashMap<>();
                if (l != null) l.fieldNames().forEachRemaining(k -> keys.put(k, true));
                if (r != null) r.fieldNames().forEachRemaining(k -> keys.put(k, true));
                for (String k : keys.keySet()) {
                    path.add(new PathElement.Field(k));
                    compare(l == null ? null : l.get(k), r == null ? null : r.get(k), s.field(k), path, c);
                    path.removeLast();
                }
            }
            case LIST -> {
                if (emptyContainer(l) && emptyContainer(r)) {
                    leaf(l, r, path, c);
                    return;
                }
                Map<PathElement, JsonNode> li = items(s, l, path);
                Map<PathElement, JsonNode> ri = items(s, r, path);
                if (li == null || ri == null) {
                    leaf(l, r, path, c);
                    return;
                }
                for (Map.Entry<PathElement, JsonNode> e : li.entrySet()) {
                    path.add(e.getKey());
                    compare(e.getValue(), ri.get(e.getKey()), s.items(), path, c);
                    path.removeLast();
                }
                for (Map.Entry<PathElement, JsonNode> e : ri.entrySet()) {
                    if (li.containsKey(e.getKey())) continue;
                    path.add(e.getKey());
                    compare(null, e.getValue(), s.items(), path, c);
                    path.removeLast();
                }
            }
        }
        if (l == null) c.added().insert(path);
        else if (r == null) c.removed().insert(path);
    }

    /** Items by path element; empty for a missing list; null when the list cannot be keyed. */
    private static Map<PathElement, JsonNode> items(TypeSchema s, JsonNode list, List<PathElement> path) {
        Map<PathElement, JsonNode> out = new LinkedHashMap<>();
        if (!(list instanceof ArrayNode a)) return out;
        List<PathElement> pes = elements(s, a, false, path);
        if (pes == null) return null;
        for (int i = 0; i < a.size(); i++) out.put(pes.get(i), a.get(i));
        return out;
    }

    private static void leaf(JsonNode l, JsonNode r, List<PathElement> path, Comparison c) {
        if (l == null && r == null) return;
        if (l == null) c.added().insert(path);
        else if (r == null) c.removed().insert(path);
        else if (!Values.equal(l, r)) c.modified().insert(path);
    }

    // ---------------------------------------------------------------- merge

    /**
     * Merges an applied configuration into a live value: maps field by field, set and map lists item by
     * item (live order kept, new items placed as the configuration orders them), leaves and atomic values
     * replaced. A null in the configuration removes the field.
     */
    static JsonNode merge(JsonNode live, JsonNode config, TypeSchema s) {
        if (config == null) return live == null ? null : live.deepCopy();
        if (config.isNull()) return config;
        if (absentOrNull(live)) return withoutNulls(config.deepCopy());
        switch (relOf(live, config, s)) {
            case MAP -> {
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = live.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode c = config.get(e.getKey());
                    if (c == null) out.set(e.getKey(), e.getValue().deepCopy());
                    else if (!c.isNull()) out.set(e.getKey(), merge(e.getValue(), c, s.field(e.getKey())));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (live.has(e.getKey()) || e.getValue().isNull()) continue;
                    out.set(e.getKey(), withoutNulls(e.getValue().deepCopy()));
                }
                return out;
            }
            case LIST -> {
                return mergeList((ArrayNode) live, (ArrayNode) config, s);
            }
            default -> {
                return withoutNulls(config.deepCopy());
            }
        }
    }

    private static JsonNode mergeList(ArrayNode live, ArrayNode config, TypeSchema s) {
        List<PathElement> lp = elements(s, live, false, List.of());
        List<PathElement> rp = elements(s, config, false, List.of());
        if (lp == null || rp == null) return withoutNulls(config.deepCopy());
        Map<PathElement, JsonNode> lm = new LinkedHashMap<>();
        Map<PathElement, JsonNode> rm = new LinkedHashMap<>();
        for (int i = 0; i < lp.size(); i++) lm.put(lp.get(i), live.get(i));
        for (int i = 0; i < rp.size(); i++) rm.put(rp.get(i), config.get(i));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        Set<PathElement> emitted = new HashSet<>();
        int li = 0;
        int ri = 0;
        while (li < lp.size() || ri < rp.size()) {
            if (li < lp.size() && emitted.contains(lp.get(li))) {
                li++;
                continue;
            }
            if (ri < rp.size() && emitted.contains(rp.get(ri))) {
                ri++;
                continue;
            }
            PathElement next;
            if (li < lp.size() && ri < rp.size()) {
                PathElement a = lp.get(li);
                PathElement b = rp.get(ri);
                if (a.equals(b)) {
                    next = a;
                    li++;
                    ri++;
                } else if (!rm.containsKey(a)) {
                    next = a;
                    li++;
                } else {
                    next = b; // new in the configuration, or both lists order them differently: the configuration's order
                    ri++;
                }
            } else if (li < lp.size()) {
                next = lp.get(li++);
            } else {
                next = rp.get(ri++);
            }
            emitted.add(next);
            out.add(merge(lm.get(next), rm.get(next), s.items()));
        }
        return out;
    }

    /** Drops null-valued map entries at any depth (nulls in a configuration mean "not set"). */
    static JsonNode withoutNulls(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) it.remove();
                else withoutNulls(e.getValue());
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(Structured::withoutNulls);
        }
        return n;
    }

    // ---------------------------------------------------------------- removal

    /** Removes (in place) every member path of the set from the value, with everything under it. */
    static void removeItems(JsonNode v, FieldSet set, TypeSchema s) {
        if (set == null || set.children().isEmpty()) return;
        if (v instanceof ObjectNode o && s.rel(v) == TypeSchema.Rel.MAP) {
            for (Map.Entry<PathElement, FieldSet> e : set.children().entrySet()) {
                if (!(e.getKey() instanceof PathElement.Field f)) continue;
                JsonNode c = o.get(f.name());
                if (c == null) continue;
                if (e.getValue().member()) o.remove(f.name());
                else removeItems(c, e.getValue(), s.field(f.name()));
            }
        } else if (v instanceof ArrayNode a && s.rel(v) == TypeSchema.Rel.LIST) {
            List<PathElement> pes = elements(s, a, false, List.of());
            if (pes == null) return;
            for (int i = a.size() - 1; i >= 0; i--) {
                FieldSet c = set.child(pes.get(i));
                if (c == null) continue;
                if (c.member()) a.remove(i);
                else removeItems(a.get(i), c, s.items());
            }
        }
    }

    /** The set with every path that names a struct's declared field made a member, as Kubernetes' prune sees it. */
    static FieldSet ensureNamedFieldsAreMembers(FieldSet set, TypeSchema s) {
        FieldSet out = set.copy();
        ensure(out, s);
        return out;
    }

    private static void ensure(FieldSet node, TypeSchema s) {
        for (Map.Entry<PathElement, FieldSet> e : node.children().entrySet()) {
            if (e.getKey() instanceof PathElement.Field f) {
                if (s.declares(f.name())) e.getValue().member(true);
                ensure(e.getValue(), s.field(f.name()));
            } else {
                ensure(e.getValue(), s.items());
            }
        }
    }

    // ---------------------------------------------------------------- zero values

    /**
     * A copy with the fields Go always serializes for built-in types (value structs as {}, some lists as
     * empty) where they are missing, so that comparisons see what Kubernetes' typed objects would show.
     */
    static JsonNode zeroFill(JsonNode v, TypeSchema s) {
        JsonNode c = v.deepCopy();
        fill(c, s, 0);
        return c;
    }

    private static void fill(JsonNode v, TypeSchema s, int depth) {
        if (depth > 100) return;
        if (v instanceof ObjectNode o) {
            if (s.rel(v) != TypeSchema.Rel.MAP) return;
            for (Map.Entry<String, TypeSchema.Zero> z : s.zeroFields().entrySet()) {
                if (!o.has(z.getKey())) {
                    if (z.getValue() == TypeSchema.Zero.OBJECT) o.putObject(z.getKey());
                    else o.putArray(z.getKey());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isContainerNode()) fill(e.getValue(), s.field(e.getKey()), depth + 1);
            }
        } else if (v instanceof ArrayNode a) {
            if (s.rel(v) != TypeSchema.Rel.LIST) return;
            for (JsonNode item : a) fill(item, s.items(), depth + 1);
        }
    }
}
