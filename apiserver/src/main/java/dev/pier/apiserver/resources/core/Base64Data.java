package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Byte values of Secret {@code data} and ConfigMap {@code binaryData}: standard, padded base64, as Go's
 * JSON decoder reads {@code []byte} (line breaks ignored). A malformed value fails the request with 400,
 * as a decode error does in Kubernetes, naming the offset Go names; well-formed values are re-encoded
 * without line breaks, as Kubernetes writes them back.
 */
final class Base64Data {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private Base64Data() {
    }

    /** Checks and normalises every value of the map under {@code field}; 400 names the first bad one. */
    static void normalise(ObjectNode object, String field, String kind) {
        if (!(object.get(field) instanceof ObjectNode map)) return;
        List<String> keys = new ArrayList<>();
        map.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            JsonNode v = map.get(key);
            if (v.isNull()) continue;
            String text = v.asText();
            int bad = firstError(text);
            if (bad >= 0) {
                throw ApiException.badRequest(kind + " in version \"v1\" cannot be handled as a " + kind
                        + ": illegal base64 data at input byte " + bad);
            }
            map.put(key, Base64.getEncoder().encodeToString(decode(text)));
        }
    }

    static byte[] decode(String text) {
        return Base64.getDecoder().decode(text.replace("\n", "").replace("\r", ""));
    }

    /** The offset Go's decoder reports for malformed input, or -1 when the input is well-formed. */
    static int firstError(String s) {
        int i = 0;
        int n = s.length();
        while (true) {
            int inQuantum = 0;
            int quantumStart = -1;
            while (inQuantum < 4) {
                while (i < n && (s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
                if (i == n) return inQuantum == 0 ? -1 : quantumStart;
                char c = s.charAt(i++);
                if (quantumStart < 0) quantumStart = i - 1;
                if (c == '=') return padding(s, i, inQuantum);
                if (ALPHABET.indexOf(c) < 0) return i - 1;
                inQuantum++;
            }
        }
    }

    /** After an '=' at quantum position {@code j} (i is just past it): checks the rest of the padding. */
    private static int padding(String s, int i, int j) {
        int n = s.length();
        if (j < 2) return i - 1;
        if (j == 2) {
            while (i < n && (s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
            if (i == n) return n;
            if (s.charAt(i) != '=') return i - 1;
            i++;
        }
        while (i < n && (s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
        return i < n ? i : -1;
    }
}
