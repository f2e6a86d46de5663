package dev.pier.storage.sqlite;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Entries filed under string prefixes, looked up by key: {@link #forEachPrefixOf} visits exactly the
 * entries whose prefix begins the key.
 *
 * <p>Design: a hash map from prefix to entries, plus the set of distinct prefix lengths. A lookup cuts
 * the key at each of those lengths (never longer than the key) and probes the map once per cut, so it
 * costs at most one probe per character of the key however many entries are filed, and entries under
 * prefixes that do not begin the key are never touched. With keys shaped
 * {@code /registry/<cell>/<group>/<resource>/...}, a write in one cell does no work for the watches of
 * the other cells. Any prefix works, not only whole path segments, as the storage SPI allows.
 *
 * <p>Not thread-safe: the caller guards it.
 */
final class PrefixIndex<T> {

    private final Map<String, Set<T>> byPrefix = new HashMap<>();
    // distinct prefix length -> how many distinct prefixes have it
    private final TreeMap<Integer, Integer> lengths = new TreeMap<>();
    private int size;

    void add(String prefix, T entry) {
        Set<T> entries = byPrefix.get(prefix);
        if (entries == null) {
            entries = new LinkedHashSet<>();
            byPrefix.put(prefix, entries);
            lengths.merge(prefix.length(), 1, Integer::sum);
        }
        if (entries.add(entry)) {
            size++;
        }
    }

    /** Removes the entry filed under this prefix; does nothing if it is not there. */
    void remove(String prefix, T entry) {
        Set<T> entries = byPrefix.get(prefix);
        if (entries == null || !entries.remove(entry)) {
            return;
        }
        size--;
        if (entries.isEmpty()) {
            byPrefix.remove(prefix);
            lengths.computeIfPresent(prefix.length(), (length, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Calls {@code action} for every entry whose prefix begins {@code key} (the key itself and "" included). */
    void forEachPrefixOf(String key, Consumer<? super T> action) {
        for (int length : lengths.headMap(key.length(), true).keySet()) {
            Set<T> entries = byPrefix.get(key.substring(0, length));
            if (entries != null) {
                entries.forEach(action);
            }
        }
    }

    /** Calls {@code action} for every entry, e.g. to close them all. */
    void forEach(Consumer<? super T> action) {
        byPrefix.values().forEach(entries -> entries.forEach(action));
    }

    int size() {
        return size;
    }
}
