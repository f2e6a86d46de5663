package dev.pier.controllers.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.meta.Json;

import java.nio.charset.StandardCharsets;

/**
 * The hash in a ControllerRevision's name and in the {@code controller-revision-hash} label: 32-bit FNV-1a
 * over the revision's data, then over the collision count that moves a name off a taken one, written with
 * the consonants and digits Kubernetes uses so that a hash never spells a word.
 */
final class RevisionHash {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private RevisionHash() {
    }

    static String of(JsonNode data, int collisionCount) {
        int hash = 0x811c9dc5;
        hash = mix(hash, Json.bytes(data));
        hash = mix(hash, Integer.toString(collisionCount).getBytes(StandardCharsets.US_ASCII));
        String digits = Long.toString(Integer.toUnsignedLong(hash));
        StringBuilder sb = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) sb.append(ALPHABET.charAt(c % ALPHABET.length()));
        return sb.toString();
    }

    private static int mix(int hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }
}
