package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.Keys;
import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.StorageException;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * A range of values (service IPs, node ports) of which each may be held by one object of a cell. Every
 * held value is one storage key, created only if absent, so two API servers sharing a store can never
 * hand out the same value: the store's create is the lock. The key records its holder's uid, and only the
 * holder releases it.
 *
 * <p>Like Kubernetes, dynamic allocation prefers the upper part of the range and leaves the lower band
 * to values clients ask for by number (10.96.0.10 for DNS, say); it uses the lower band only when the
 * upper one is full.
 */
final class ReservedRange {
    private static final int ATTEMPTS = 32;

    private final String name;
    private final long first;
    private final long last;
    private final long dynamicFrom;
    private final LongFunction<String> format;

    /**
     * @param name        storage segment, as Kubernetes names its ranges ({@code serviceips})
     * @param first       lowest valid value
     * @param last        highest valid value
     * @param staticBand  how many values at the bottom are left for requests by number
     */
    ReservedRange(String name, long first, long last, long staticBand, LongFunction<String> format) {
        this.name = name;
        this.first = first;
        this.last = last;
        this.dynamicFrom = Math.min(first + staticBand, last);
        this.format = format;
    }

    boolean contains(long v) {
        return v >= first && v <= last;
    }

    private String prefix(String cell) {
        return Keys.cellPrefix(cell) + "ranges/" + name + "/";
    }

    private static byte[] holder(ObjectNode object) {
        ObjectNode meta = (ObjectNode) object.path("metadata");
        ObjectNode h = Json.object();
        h.put("namespace", meta.path("namespace").asText(""));
        h.put("name", meta.path("name").asText(""));
        h.put("uid", meta.path("uid").asText(""));
        return Json.bytes(h);
    }

    private static String uid(ObjectNode object) {
        return object.path("metadata").path("uid").asText("");
    }

    /** Whether the value is held by this object (true), by another (false), or by nobody (empty). */
    Optional<Boolean> heldBy(KeyValueStore kv, String cell, long value, ObjectNode object) {
        Optional<KeyValue> k = kv.get(prefix(cell) + format.apply(value));
        return k.map(v -> Json.parseObject(v.value()).path("uid").asText("").equals(uid(object)));
    }

    /** Takes a given value for the object; false when another object holds it. */
    boolean reserve(KeyValueStore kv, String cell, long value, ObjectNode object) {
        try {
            kv.create(prefix(cell) + format.apply(value), holder(object));
            return true;
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_EXISTS) throw e;
            return heldBy(kv, cell, value, object).orElse(false);
        }
    }

    /**
     * Takes any free value for the object (with {@code dryRun}, only finds one), or returns -1 when the
     * range is full.
     */
    long allocate(KeyValueStore kv, String cell, ObjectNode object, boolean dryRun) {
        Set<Long> used = used(kv, cell);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long candidate = pick(used, dynamicFrom, last);
            if (candidate < 0) candidate = pick(used, first, dynamicFrom - 1);
            if (candidate < 0) return -1;
            if (dryRun) return candidate;
            try {
                kv.create(prefix(cell) + format.apply(candidate), holder(object));
                return candidate;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.KEY_EXISTS) throw e;
                used.add(candidate); // taken meanwhile by another writer: try another
            }
        }
        return -1;
    }

    /** A random free value in [from, to], or -1: a random start, then the next free one upwards, wrapping. */
    private static long pick(Set<Long> used, long from, long to) {
        if (to < from) return -1;
        long size = to - from + 1;
        if (used.size() >= size && usedWithin(used, from, to) >= size) return -1;
        long start = from + ThreadLocalRandom.current().nextLong(size);
        for (long i = 0; i < size; i++) {
            long v = from + (start - from + i) % size;
            if (!used.contains(v)) return v;
        }
        return -1;
    }

    private static long usedWithin(Set<Long> used, long from, long to) {
        return used.stream().filter(v -> v >= from && v <= to).count();
    }

    private Set<Long> used(KeyValueStore kv, String cell) {
        Set<Long> out = new HashSet<>();
        String prefix = prefix(cell);
        for (KeyValue k : kv.range(RangeRequest.prefix(prefix)).kvs()) {
            out.add(parse(k.key().substring(prefix.length())));
        }
        return out;
    }

    private long parse(String v) {
        return v.contains(".") ? Ips.toLong(v) : Long.parseLong(v);
    }

    /** Frees a value if this object holds it; a value held by another object is left alone. */
    void release(KeyValueStore kv, String cell, long value, ObjectNode object) {
        String key = prefix(cell) + format.apply(value);
        Optional<KeyValue> k = kv.get(key);
        if (k.isEmpty() || !Json.parseObject(k.get().value()).path("uid").asText("").equals(uid(object))) return;
        try {
            kv.delete(key, k.get().modRevision());
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_NOT_FOUND && e.code() != StorageException.Code.CONFLICT) throw e;
        }
    }
}
