package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.apply.ManagedFields.Entry;
import dev.pier.apiserver.apply.Structured.Comparison;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps {@code metadata.managedFields} as Kubernetes' field manager does. The store calls
 * {@link #recordCreate} and {@link #recordUpdate} once the object to write is final (before validation):
 * the writer (the {@code fieldManager} parameter, else the user agent's program name) takes ownership of
 * every field its write changed, as an {@code Update} entry, and other managers lose those fields.
 * Server-side apply ({@link ServerSideApply}) computes its own entries and hands them to these hooks
 * through a scoped value.
 *
 * <p>Clients may set managedFields: a valid non-empty list replaces the stored one (kubectl's
 * client-side to server-side migration does this), {@code [{}]} resets them, anything else (an invalid
 * list, {@code []}, nothing) keeps the stored ones. Writes to the status subresource always keep them.
 */
public final class FieldManager {
    /** The manager of writes the server makes itself (no fieldManager, no user agent). */
    public static final String SERVER_MANAGER = "kube-apiserver";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** The manager kubectl uses for server-side apply; it gets the client-side apply migration help. */
    static final String KUBECTL = "kubectl";

    /** Set while an apply writes: the managedFields it computed, which the hooks install instead of recording. */
    static final ScopedValue<ApplyState> APPLYING = ScopedValue.newInstance();

    /** The managedFields an apply computed for the object it is writing. */
    static final class ApplyState {
        ArrayNode managedFields;
    }

    private FieldManager() {
    }

    /**
     * Kubernetes' default field manager of a request without {@code fieldManager}: the user agent up to
     * its first '/', e.g. {@code kubectl} for {@code kubectl/v1.32.4 (linux/amd64) kubernetes/...}.
     */
    public static String managerFromUserAgent(String userAgent) {
        if (userAgent == null) return "";
        int slash = userAgent.indexOf('/');
        String m = slash >= 0 ? userAgent.substring(0, slash) : userAgent;
        return m.length() > 128 ? m.substring(0, 128) : m;
    }

    // ---------------------------------------------------------------- hooks of the store

    /** Records the creator's fields (operation Update) on an object about to be created. */
    public static void recordCreate(ResourceType type, ObjectNode object, WriteOptions options, Clock clock) {
        ObjectNode meta = object.withObject("metadata");
        if (APPLYING.isBound()) {
            install(meta, APPLYING.get().managedFields);
            return;
        }
        try {
            JsonNode sent = meta.get("managedFields");
            List<Entry> base = new ArrayList<>();
            if (!ManagedFields.isReset(sent)) {
                List<Entry> decoded = ManagedFields.tryDecode(sent);
                if (decoded != null) base = decoded;
            }
            List<Entry> out = update(base, Json.object(), withoutManagedFields(object), TypeSchema.of(type),
                    Ignore.of(type, false), manager(options), type.apiVersion(), "", now(clock));
            install(meta, ManagedFields.encode(out));
        } catch (RuntimeException e) {
            meta.remove("managedFields"); // as Kubernetes: a failure to track fields never fails the write
        }
    }

    /**
     * Records an update (PUT, any patch, a status write) on the object about to be stored.
     *
     * @param current the stored object
     * @param next    the object to store, after the store's carry-over
     */
    public static void recordUpdate(ResourceType type, ObjectNode current, ObjectNode next, boolean statusUpdate,
                                    WriteOptions options, Clock clock) {
        ObjectNode meta = next.withObject("metadata");
        if (APPLYING.isBound()) {
            install(meta, APPLYING.get().managedFields);
            return;
        }
        try {
            JsonNode sent = meta.get("managedFields");
            JsonNode stored = current.path("metadata").get("managedFields");
            List<Entry> base;
            if (statusUpdate) {
                base = orEmpty(ManagedFields.tryDecode(stored));
            } else if (ManagedFields.isReset(sent)) {
                base = new ArrayList<>();
            } else {
                List<Entry> decoded = ManagedFields.tryDecode(sent);
                base = decoded != null && !decoded.isEmpty() ? decoded : orEmpty(ManagedFields.tryDecode(stored));
            }
            List<Entry> out = update(base, withoutManagedFields(current), withoutManagedFields(next), TypeSchema.of(type),
                    Ignore.of(type, statusUpdate), manager(options), type.apiVersion(), statusUpdate ? "status" : "", now(clock));
            install(meta, ManagedFields.encode(out));
        } catch (RuntimeException e) {
            meta.remove("managedFields");
        }
    }

    private static void install(ObjectNode meta, ArrayNode managedFields) {
        if (managedFields == null || managedFields.isEmpty()) meta.remove("managedFields");
        else meta.set("managedFields", managedFields);
    }

    private static String manager(WriteOptions options) {
        String m = options.fieldManager();
        return m == null || m.isEmpty() ? SERVER_MANAGER : m;
    }

    private static String now(Clock clock) {
        return ManagedFields.now(Instant.now(clock));
    }

    private static List<Entry> orEmpty(List<Entry> l) {
        return l == null ? new ArrayList<>() : l;
    }

    static ObjectNode withoutManagedFields(ObjectNode o) {
        ObjectNode copy = o.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode m) m.remove("managedFields");
        return copy;
    }

    // ---------------------------------------------------------------- update

    /**
     * The managedFields after an update from {@code old} to {@code next} by {@code manager}: it owns every
     * field it added or changed (merged into its existing entry), and every manager loses the fields
     * changed or removed.
     */
    static List<Entry> update(List<Entry> base, JsonNode old, JsonNode next, TypeSchema s, Ignore ignore,
                              String manager, String apiVersion, String subresource, String now) {
        Comparison c = Structured.compare(Structured.zeroFill(old, s), Structured.zeroFill(next, s), s);
        FieldSet changed = ignore.filter(c.changed());
        FieldSet lost = changed.union(ignore.filter(c.removed()));
        List<Entry> out = new ArrayList<>();
        String id = Entry.identity(manager, ManagedFields.UPDATE, subresource, apiVersion);
        Entry mine = null;
        for (Entry e : base) {
            FieldSet rest = e.fields().difference(lost);
            if (rest.isEmpty()) continue;
            Entry kept = rest.equals(e.fields()) ? e : e.withFields(rest);
            if (e.identity().equals(id)) mine = kept;
            else out.add(kept);
        }
        if (!changed.isEmpty()) {
            FieldSet fields = mine == null ? changed : mine.fields().union(changed);
            out.add(new Entry(manager, ManagedFields.UPDATE, apiVersion, now, subresource, fields));
        } else if (mine != null) {
            out.add(mine);
        }
        return ManagedFields.capUpdaters(out);
    }

    /** Fields no manager owns: type and identity fields the server sets, and status or spec by subresource. */
    record Ignore(boolean dropStatus, boolean onlyStatus) {
        private static final List<List<PathElement>> STRIPPED = List.of(
                path("apiVersion"), path("kind"),
                path("metadata", "name"), path("metadata", "namespace"), path("metadata", "creationTimestamp"),
                path("metadata", "selfLink"), path("metadata", "uid"), path("metadata", "clusterName"),
                path("metadata", "generation"), path("metadata", "managedFields"), path("metadata", "resourceVersion"));
        static final List<PathElement> STATUS = path("status");

        static Ignore of(ResourceType type, boolean statusSubresource) {
            return new Ignore(!statusSubresource && type.hasStatus(), statusSubresource);
        }

        FieldSet filter(FieldSet set) {
            FieldSet s = set.copy();
            for (List<PathElement> p : STRIPPED) s.removeTree(p);
            s.removeMember(path("metadata"));
            if (dropStatus) s.removeTree(STATUS);
            if (onlyStatus) s = s.onlyUnder(STATUS);
            return s;
        }

        /** The stripped paths as a set, for prune: they are never removed. */
        static FieldSet strippedSet() {
            FieldSet s = new FieldSet();
            for (List<PathElement> p : STRIPPED) s.insert(p);
            s.insert(path("metadata"));
            return s;
        }
    }

    static List<PathElement> path(String... fields) {
        List<PathElement> p = new ArrayList<>(fields.length);
        for (String f : fields) p.add(new PathElement.Field(f));
        return List.copyOf(p);
    }

    // ---------------------------------------------------------------- apply

    /** An applied object and its managedFields. */
    record Applied(ObjectNode object, ArrayNode managedFields) {
    }

    /** Apply to a missing object: the configuration is the object, its applier owns all it sets. */
    static Applied applyCreate(ResourceType type, ObjectNode config, String manager, String now) {
        TypeSchema s = TypeSchema.of(type);
        FieldSet applied = Ignore.of(type, false).filter(Structured.toFieldSet(config, s, true));
        ObjectNode object = (ObjectNode) Structured.withoutNulls(config.deepCopy());
        List<Entry> entries = new ArrayList<>();
        if (!applied.isEmpty()) entries.add(new Entry(manager, ManagedFields.APPLY, type.apiVersion(), now, "", applied));
        if (KUBECTL.equals(manager)) syncLastApplied(object, config);
        return new Applied(object, ManagedFields.encode(entries));
    }

    /**
     * Server-side apply of a configuration to a live object, as Kubernetes' structured merge does it: the
     * configuration is merged in, fields the applier applied last time and no longer applies are removed
     * unless someone else owns them, and fields other managers own whose values change are conflicts
     * (an {@link ApplyConflictException} unless {@code force}, which takes them over).
     */
    static Applied apply(ResourceType type, ObjectNode live, ObjectNode config, String manager, boolean force,
                         boolean statusSubresource, String now) {
        TypeSchema s = TypeSchema.of(type);
        Ignore ignore = Ignore.of(type, statusSubresource);
        String sub = statusSubresource ? "status" : "";
        List<Entry> managers = orEmpty(ManagedFields.tryDecode(live.path("metadata").get("managedFields")));
        ObjectNode liveObject = withoutManagedFields(live);
        ObjectNode cfg = statusSubresource ? statusOnly(config) : config;

        FieldSet raw = Structured.toFieldSet(cfg, s, true);
        FieldSet applied = ignore.filter(raw);
        ObjectNode merged = (ObjectNode) Structured.merge(liveObject, cfg, s);

        String id = Entry.identity(manager, ManagedFields.APPLY, sub, "");
        Entry last = null;
        List<Entry> others = new ArrayList<>();
        for (Entry e : managers) {
            if (e.identity().equals(id)) last = e;
            else others.add(e);
        }
        if (last != null && !last.fields().isEmpty()) {
            FieldSet owned = Structured.ensureNamedFieldsAreMembers(raw.union(Ignore.strippedSet()), s);
            for (Entry e : others) owned = owned.union(Structured.ensureNamedFieldsAreMembers(e.fields(), s));
            FieldSet remove = Structured.ensureNamedFieldsAreMembers(last.fields(), s).difference(owned);
            if (statusSubresource) remove = remove.onlyUnder(Ignore.STATUS);
            Structured.removeItems(merged, remove, s);
        }

        Comparison c = Structured.compare(Structured.zeroFill(liveObject, s), Structured.zeroFill(merged, s), s);
        FieldSet changed = ignore.filter(c.changed());
        FieldSet removed = ignore.filter(c.removed());
        Map<Entry, FieldSet> conflicts = new LinkedHashMap<>();
        for (Entry e : others) {
            FieldSet x = e.fields().intersection(changed);
            if (!x.isEmpty()) conflicts.put(e, x);
        }
        if (!conflicts.isEmpty() && !force) {
            Map<Entry, FieldSet> unresolved = conflicts;
            FieldSet allowed = KUBECTL.equals(manager) ? allowedByLastApplied(liveObject, s) : null;
            if (allowed != null) {
                unresolved = new LinkedHashMap<>();
                for (Map.Entry<Entry, FieldSet> e : conflicts.entrySet()) {
                    FieldSet rest = e.getValue().difference(allowed);
                    if (!rest.isEmpty()) unresolved.put(e.getKey(), rest);
                }
            }
            if (!unresolved.isEmpty()) throw ApplyConflictException.of(unresolved);
        }

        List<Entry> out = new ArrayList<>();
        for (Entry e : others) {
            FieldSet rest = e.fields().difference(changed).difference(removed);
            if (!rest.isEmpty()) out.add(rest.equals(e.fields()) ? e : e.withFields(rest));
        }
        boolean objectChanged = !Values.equal(liveObject, merged);
        String time = objectChanged || last == null || !last.fields().equals(applied) ? now : last.time();
        if (!applied.isEmpty()) out.add(new Entry(manager, ManagedFields.APPLY, type.apiVersion(), time, sub, applied));
        if (KUBECTL.equals(manager) && !statusSubresource) syncLastApplied(merged, config);
        return new Applied(merged, ManagedFields.encode(ManagedFields.capUpdaters(out)));
    }

    private static ObjectNode statusOnly(ObjectNode config) {
        ObjectNode o = Json.object();
        for (String f : List.of("apiVersion", "kind")) {
            if (config.has(f)) o.set(f, config.get(f));
        }
        ObjectNode meta = o.putObject("metadata");
        for (String f : List.of("name", "namespace")) {
            if (config.path("metadata").has(f)) meta.set(f, config.path("metadata").get(f));
        }
        if (config.has("status")) o.set("status", config.get("status"));
        return o;
    }

    /**
     * Fields kubectl's client-side apply set (the last-applied annotation) whose live values are still those:
     * kubectl's first server-side apply may take them over without a conflict.
     */
    static FieldSet allowedByLastApplied(ObjectNode live, TypeSchema s) {
        String text = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (text.isEmpty()) return null;
        try {
            JsonNode lastApplied = Json.MAPPER.readTree(text);
            if (!(lastApplied instanceof ObjectNode)) return null;
            FieldSet set = Structured.toFieldSet(lastApplied, s, false);
            Comparison c = Structured.compare(lastApplied, live, s);
            return set.difference(c.modified());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * kubectl's server-side apply keeps an existing last-applied annotation in step with what it applied,
     * so that going back to client-side apply still works.
     */
    private static void syncLastApplied(ObjectNode object, ObjectNode config) {
        if (!(object.path("metadata").path("annotations") instanceof ObjectNode annotations) || !annotations.has(LAST_APPLIED)) {
            return;
        }
        ObjectNode copy = config.deepCopy();
        if (copy.path("metadata").path("annotations") instanceof ObjectNode a) a.remove(LAST_APPLIED);
        annotations.put(LAST_APPLIED, sortedJson(copy) + "\n");
    }

    private static String sortedJson(JsonNode n) {
        return Values.canonical(n);
    }
}
