package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths, stored as a tree: each node is one path; it is a member when the path itself is
 * in the set, and its children extend it. This is what a managedFields entry's {@code fieldsV1} holds:
 * {@link #toFieldsV1()} and {@link #fromFieldsV1} convert between the two, with {@code "."} marking a node
 * that is a member and also has children. Operations never share nodes between sets.
 */
final class FieldSet {
    private boolean member;
    private final TreeMap<PathElement, FieldSet> children = new TreeMap<>(PathElement.ORDER);

    FieldSet() {
    }

    static FieldSet of(List<List<PathElement>> paths) {
        FieldSet s = new FieldSet();
        for (List<PathElement> p : paths) s.insert(p);
        return s;
    }

    /** Adds a path (its prefixes become nodes, not members). */
    FieldSet insert(List<PathElement> path) {
        FieldSet n = this;
        for (PathElement e : path) n = n.children.computeIfAbsent(e, k -> new FieldSet());
        n.member = true;
        return this;
    }

    boolean has(List<PathElement> path) {
        FieldSet n = node(path);
        return n != null && n.member;
    }

    /** The node of a path, or null when neither it nor anything under it is in the set. */
    FieldSet node(List<PathElement> path) {
        FieldSet n = this;
        for (PathElement e : path) {
            n = n.children.get(e);
            if (n == null) return null;
        }
        return n;
    }

    boolean member() {
        return member;
    }

    void member(boolean m) {
        member = m;
    }

    FieldSet child(PathElement e) {
        return children.get(e);
    }

    FieldSet childOrCreate(PathElement e) {
        return children.computeIfAbsent(e, k -> new FieldSet());
    }

    Map<PathElement, FieldSet> children() {
        return children;
    }

    /** True when no path at all is a member. */
    boolean isEmpty() {
        if (member) return false;
        for (FieldSet c : children.values()) {
            if (!c.isEmpty()) return false;
        }
        return true;
    }

    FieldSet copy() {
        FieldSet s = new FieldSet();
        s.member = member;
        children.forEach((k, v) -> s.children.put(k, v.copy()));
        return s;
    }

    FieldSet union(FieldSet other) {
        FieldSet s = copy();
        s.addAll(other);
        return s;
    }

    private void addAll(FieldSet other) {
        member |= other.member;
        other.children.forEach((k, v) -> childOrCreate(k).addAll(v));
    }

    /** The members of this set that are not members of {@code other} (member by member, not by subtree). */
    FieldSet difference(FieldSet other) {
        FieldSet s = new FieldSet();
        s.member = member && !(other != null && other.member);
        children.forEach((k, v) -> {
            FieldSet d = v.difference(other == null ? null : other.children.get(k));
            if (!d.isEmpty()) s.children.put(k, d);
        });
        return s;
    }

    FieldSet intersection(FieldSet other) {
        FieldSet s = new FieldSet();
        if (other == null) return s;
        s.member = member && other.member;
        children.forEach((k, v) -> {
            FieldSet o = other.children.get(k);
            if (o != null) {
                FieldSet i = v.intersection(o);
                if (!i.isEmpty()) s.children.put(k, i);
            }
        });
        return s;
    }

    /** Drops a path and everything under it. */
    void removeTree(List<PathElement> path) {
        if (path.isEmpty()) {
            member = false;
            children.clear();
            return;
        }
        FieldSet parent = node(path.subList(0, path.size() - 1));
        if (parent != null) parent.children.remove(path.getLast());
        prune();
    }

    /** Drops the member flag of one path, keeping what is under it. */
    void removeMember(List<PathElement> path) {
        FieldSet n = node(path);
        if (n != null) n.member = false;
        prune();
    }

    /** Keeps only the subtree of one path. */
    FieldSet onlyUnder(List<PathElement> path) {
        FieldSet n = node(path);
        FieldSet s = new FieldSet();
        if (n == null) return s;
        FieldSet at = s;
        for (PathElement e : path) at = at.childOrCreate(e);
        at.addAll(n);
        s.prune();
        return s;
    }

    /** Removes nodes with no member in them. */
    void prune() {
        for (Iterator<FieldSet> it = children.values().iterator(); it.hasNext(); ) {
            FieldSet c = it.next();
            c.prune();
            if (!c.member && c.children.isEmpty()) it.remove();
        }
    }

    /** Every member path, in order (a node before what is under it). */
    List<List<PathElement>> paths() {
        List<List<PathElement>> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<PathElement> prefix, List<List<PathElement>> out) {
        if (member) out.add(List.copyOf(prefix));
        children.forEach((k, v) -> {
            prefix.add(k);
            v.collect(prefix, out);
            prefix.removeLast();
        });
    }

    // ---------------------------------------------------------------- FieldsV1

    /** This set in Kubernetes' FieldsV1 format. */
    ObjectNode toFieldsV1() {
        ObjectNode o = Json.object();
        children.forEach((k, v) -> {
            if (v.isEmpty()) return;
            ObjectNode c = v.toFieldsV1();
            if (v.member && !c.isEmpty()) {
                ObjectNode withDot = Json.object();
                withDot.putObject(".");
                withDot.setAll(c);
                c = withDot;
            }
            o.set(k.encode(), c);
        });
        return o;
    }

    /** Parses FieldsV1; throws IllegalArgumentException when the value is not a valid field set. */
    static FieldSet fromFieldsV1(JsonNode json) {
        if (!(json instanceof ObjectNode o)) throw new IllegalArgumentException("fieldsV1 must be an object");
        FieldSet s = new FieldSet();
        readChildren(o, s, 0);
        return s;
    }

    private static void readChildren(ObjectNode o, FieldSet into, int depth) {
        if (depth > 100) throw new IllegalArgumentException("fieldsV1 is nested too deeply");
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(".")) continue; // handled by the parent
            if (!(e.getValue() instanceof ObjectNode v)) {
                throw new IllegalArgumentException("fieldsV1 value of " + e.getKey() + " must be an object");
            }
            FieldSet c = into.childOrCreate(PathElement.parse(e.getKey()));
            if (v.isEmpty() || v.has(".")) c.member = true;
            readChildren(v, c, depth + 1);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet f && f.toFieldsV1().equals(toFieldsV1());
    }

    @Override
    public int hashCode() {
        return toFieldsV1().hashCode();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }
}
