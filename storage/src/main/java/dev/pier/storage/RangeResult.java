package dev.pier.storage;

import java.util.List;

/**
 * The answer to a {@link RangeRequest}.
 *
 * @param kvs      the keys found, in key order
 * @param revision the store revision this read reflects (the requested one, or the latest)
 * @param more     true when the limit cut the answer short; continue from the key after the last one
 */
public record RangeResult(List<KeyValue> kvs, long revision, boolean more) {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
