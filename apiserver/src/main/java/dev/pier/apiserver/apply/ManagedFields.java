package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code metadata.managedFields}: decoding (with Kubernetes' validation), encoding in Kubernetes' order, and
 * the bookkeeping rules on entries: one entry per manager identity (manager, operation, subresource, and
 * for updates the apiVersion), at most {@value #MAX_UPDATE_MANAGERS} update entries (older ones are merged
 * into {@code ancient-changes}).
 */
final class ManagedFields {
    static final String APPLY = "Apply";
    static final String UPDATE = "Update";
    static final int MAX_UPDATE_MANAGERS = 10;
    static final String ANCIENT_CHANGES = "ancient-changes";

    private ManagedFields() {
    }

    /** One managedFields entry. {@code time} is RFC 3339 (seconds) or null. */
    record Entry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet fields) {
        Entry {
            manager = Objects.requireNonNullElse(manager, "");
            subresource = Objects.requireNonNullElse(subresource, "");
            apiVersion = Objects.requireNonNullElse(apiVersion, "");
        }

        boolean applied() {
            return APPLY.equals(operation);
        }

        /** Who this entry is: appliers are one entry whatever version they apply. */
        String identity() {
            return identity(manager, operation, subresource, apiVersion);
        }

        static String identity(String manager, String operation, String subresource, String apiVersion) {
            return manager + '\u0000' + operation + '\u0000' + subresource + '\u0000' + (APPLY.equals(operation) ? "" : apiVersion);
        }

        Entry withFields(FieldSet f) {
            return new Entry(manager, operation, apiVersion, time, subresource, f);
        }

        long seconds() {
            if (time == null) return 0;
            try {
                return OffsetDateTime.parse(time).toEpochSecond();
            } catch (DateTimeParseException e) {
                return 0;
            }
        }

        /** How conflict messages name this manager, as Kubernetes prints it. */
        String printed() {
            String s = Values.quote(manager);
            if (!subresource.isEmpty()) s += " with subresource " + Values.quote(subresource);
            if (UPDATE.equals(operation)) s += " using " + apiVersion;
            return s;
        }
    }

    /** True for {@code [{}]}: the request asks to reset managedFields. */
    static boolean isReset(JsonNode managedFields) {
        if (!(managedFields instanceof ArrayNode a) || a.size() != 1) return false;
        JsonNode only = a.get(0);
        if (!(only instanceof ObjectNode o)) return false;
        for (JsonNode v : o) {
            if (!(v.isNull() || v.isContainerNode() && v.isEmpty() || v.isTextual() && v.textValue().isEmpty())) return false;
        }
        return true;
    }

    /**
     * Decodes managedFields; throws IllegalArgumentException when they are not valid (operation Apply or
     * Update, a non-empty apiVersion, fieldsType FieldsV1, parseable fieldsV1 and time). A missing or null
     * value decodes to an empty list.
     */
    static List<Entry> decode(JsonNode managedFields) {
        if (managedFields == null || managedFields.isNull() || managedFields.isMissingNode()) return new ArrayList<>();
        if (!(managedFields instanceof ArrayNode a)) throw new IllegalArgumentException("managedFields must be a list");
        Map<String, Entry> byIdentity = new LinkedHashMap<>();
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof ObjectNode e)) throw new IllegalArgumentException("managedFields entry " + i + " must be an object");
            String op = text(e, "operation");
            if (!APPLY.equals(op) && !UPDATE.equals(op)) throw new IllegalArgumentException("operation must be `Apply` or `Update`");
            String apiVersion = text(e, "apiVersion");
            if (apiVersion.isEmpty()) throw new IllegalArgumentException("apiVersion must not be empty");
            String fieldsType = text(e, "fieldsType");
            if (fieldsType.isEmpty()) throw new IllegalArgumentException("missing fieldsType in managed fields entry " + i);
            if (!fieldsType.equals("FieldsV1")) throw new IllegalArgumentException("invalid fieldsType \"" + fieldsType + "\" in managed fields entry " + i);
            JsonNode f = e.get("fieldsV1");
            FieldSet fields = f == null || f.isNull() ? new FieldSet() : FieldSet.fromFieldsV1(f);
            String time = null;
            JsonNode t = e.get("time");
            if (t != null && !t.isNull()) {
                if (!t.isTextual()) throw new IllegalArgumentException("time must be a string");
                try {
                    time = OffsetDateTime.parse(t.textValue()).toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
                } catch (DateTimeParseException ex) {
                    throw new IllegalArgumentException("invalid time " + t.textValue());
                }
            }
            Entry entry = new Entry(text(e, "manager"), op, apiVersion, time, text(e, "subresource"), fields);
            byIdentity.put(entry.identity(), entry);
        }
        return new ArrayList<>(byIdentity.values());
    }

    /** Decodes, or answers null when the value is not valid managedFields. */
    static List<Entry> tryDecode(JsonNode managedFields) {
        try {
            return decode(managedFields);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw new IllegalArgumentException(field + " must be a string");
        return v.textValue();
    }

    /** Entries in Kubernetes' order: appliers first, then by time, manager, apiVersion and subresource. */
    static ArrayNode encode(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.removeIf(e -> e.fields().isEmpty());
        sorted.sort(Comparator.comparing(Entry::operation)
                .thenComparingLong(Entry::seconds)
                .thenComparing(Entry::manager)
                .thenComparing(Entry::apiVersion)
                .thenComparing(Entry::subresource));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Entry e : sorted) {
            ObjectNode o = out.addObject();
            if (!e.manager().isEmpty()) o.put("manager", e.manager());
            o.put("operation", e.operation());
            o.put("apiVersion", e.apiVersion());
            if (e.time() != null) o.put("time", e.time());
            o.put("fieldsType", "FieldsV1");
            o.set("fieldsV1", e.fields().toFieldsV1());
            if (!e.subresource().isEmpty()) o.put("subresource", e.subresource());
        }
        return out;
    }

    static String now(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Merges the oldest update entries into {@code ancient-changes} until at most the cap remain. */
    static List<Entry> capUpdaters(List<Entry> entries) {
        List<Entry> updaters = new ArrayList<>(entries.stream().filter(e -> !e.applied()).toList());
        if (updaters.size() <= MAX_UPDATE_MANAGERS) return entries;
        updaters.sort(Comparator.comparingLong(Entry::seconds).thenComparing(Entry::manager));
        List<Entry> out = new ArrayList<>(entries);
        Entry bucket = null;
        for (Entry e : out) {
            if (!e.applied() && e.manager().equals(ANCIENT_CHANGES)) bucket = e;
        }
        int excess = updaters.size() - MAX_UPDATE_MANAGERS + (bucket == null ? 1 : 0); // a new bucket takes a place
        for (int i = 0, merged = 0; i < updaters.size() && merged < excess; i++) {
            Entry e = updaters.get(i);
            if (e == bucket) continue;
            out.remove(e);
            FieldSet f = bucket == null ? e.fields() : bucket.fields().union(e.fields());
            Entry next = new Entry(ANCIENT_CHANGES, UPDATE, e.apiVersion(), e.time(), "", f);
            if (bucket != null) out.remove(bucket);
            out.add(next);
            bucket = next;
            merged++;
        }
        return out;
    }
}
