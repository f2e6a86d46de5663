package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON value helpers of structured merge: equality that does not care how a number was parsed (1 and
 * 1.0, int and long nodes), a canonical compact rendering (object keys sorted) for the {@code k:} and
 * {@code v:} path elements, and a total order of values for sorting path elements.
 */
final class Values {
    private Values() {
    }

    /** Deep equality; numbers compare by value, objects ignore key order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (a.isNumber() && b.isNumber()) return decimal(a).compareTo(decimal(b)) == 0;
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!equal(e.getValue(), b.get(e.getKey()))) return false;
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static BigDecimal decimal(JsonNode n) {
        try {
            return n.decimalValue();
        } catch (RuntimeException e) {
            return BigDecimal.valueOf(n.asDouble());
        }
    }

    /** Compact JSON with object keys sorted and integral numbers without a fraction. */
    static String canonical(JsonNode v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    private static void write(JsonNode v, StringBuilder sb) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            sb.append("null");
        } else if (v.isTextual()) {
            sb.append(quote(v.textValue()));
        } else if (v.isNumber()) {
            sb.append(number(v));
        } else if (v.isBoolean()) {
            sb.append(v.booleanValue());
        } else if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) sb.append(',');
                write(v.get(i), sb);
            }
            sb.append(']');
        } else if (v.isObject()) {
            sb.append('{');
            boolean first = true;
            for (String k : sortedKeys(v)) {
                if (!first) sb.append(',');
                first = false;
                sb.append(quote(k)).append(':');
                write(v.get(k), sb);
            }
            sb.append('}');
        } else {
            sb.append(quote(v.asText()));
        }
    }

    static java.util.List<String> sortedKeys(JsonNode object) {
        java.util.List<String> keys = new java.util.ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(keys::add);
        java.util.Collections.sort(keys);
        return keys;
    }

    static String quote(String s) {
        return new TextNode(s).toString();
    }

    private static String number(JsonNode v) {
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        BigDecimal d = decimal(v);
        try {
            return d.toBigIntegerExact().toString();
        } catch (ArithmeticException e) {
            return Double.toString(v.doubleValue());
        }
    }

    /** How a path prints a value, as Kubernetes' {@code value.ToString}: strings quoted, numbers bare. */
    static String display(JsonNode v) {
        if (v == null || v.isNull()) return "null";
        if (v.isTextual()) return quote(v.textValue());
        if (v.isNumber()) return number(v);
        return canonical(v);
    }

    /** A total order: null, booleans, numbers, strings, arrays, objects; then by value. */
    static int compare(JsonNode a, JsonNode b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) return Integer.compare(ra, rb);
        return switch (ra) {
            case 0 -> 0;
            case 1 -> Boolean.compare(a.booleanValue(), b.booleanValue());
            case 2 -> decimal(a).compareTo(decimal(b));
            case 3 -> a.textValue().compareTo(b.textValue());
            default -> canonical(a).compareTo(canonical(b));
        };
    }

    private static int rank(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return 0;
        if (v.isBoolean()) return 1;
        if (v.isNumber()) return 2;
        if (v.isTextual()) return 3;
        if (v.isArray()) return 4;
        return 5;
    }
}
