package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Field-level checks Kubernetes' strategies share, adding field errors with its messages word for word
 * (kubectl users read them): labels, ports, enums, immutability, int-or-percent values. What a string
 * itself must look like is in {@link Formats}.
 */
public final class Check {
    public static final String NON_NEGATIVE = "must be greater than or equal to 0";
    public static final String IMMUTABLE = "field is immutable";
    public static final String PORT_RANGE = "must be between 1 and 65535, inclusive";

    private Check() {
    }

    /** Each reason becomes an Invalid error on {@code path} with {@code value}. */
    public static void invalid(List<FieldError> errs, FieldPath path, Object value, List<String> reasons) {
        for (String r : reasons) errs.add(FieldError.invalid(path, value, r));
    }

    /** Labels as metadata and templates carry them: keys are qualified names, values label values. */
    public static void labels(List<FieldError> errs, JsonNode labels, FieldPath path) {
        for (Map.Entry<String, String> e : Tree.stringMap(labels).entrySet()) {
            invalid(errs, path, e.getKey(), Formats.qualifiedName(e.getKey()));
            invalid(errs, path, e.getValue(), Formats.labelValue(e.getValue()));
        }
    }

    /** An optional integer field that must not be negative. */
    public static void nonNegative(List<FieldError> errs, JsonNode parent, String field, FieldPath path) {
        long v = Tree.number(parent, field, 0);
        if (v < 0) errs.add(FieldError.invalid(path, v, NON_NEGATIVE));
    }

    /** A required port number in 1-65535. */
    public static void port(List<FieldError> errs, JsonNode parent, String field, FieldPath path) {
        long v = Tree.number(parent, field, 0);
        if (v == 0) errs.add(FieldError.required(path, ""));
        else if (v < 1 || v > 65535) errs.add(FieldError.invalid(path, v, PORT_RANGE));
    }

    /** A port given as a number (1-65535) or an IANA service name, as targetPort and probe ports are. */
    public static void portNumberOrName(List<FieldError> errs, JsonNode value, FieldPath path) {
        if (value == null || value.isNull() || value.isMissingNode()) return;
        if (value.isIntegralNumber()) {
            if (value.asLong() < 1 || value.asLong() > 65535) errs.add(FieldError.invalid(path, value.asLong(), PORT_RANGE));
        } else {
            invalid(errs, path, value.asText(), Formats.portName(value.asText()));
        }
    }

    /** A string enum: Required when empty (if required), NotSupported when not one of {@code allowed}. */
    public static void oneOf(List<FieldError> errs, JsonNode parent, String field, FieldPath path, boolean required,
                             Collection<String> allowed) {
        String v = Tree.text(parent, field);
        if (v.isEmpty()) {
            if (required) errs.add(FieldError.required(path, ""));
        } else if (!allowed.contains(v)) {
            errs.add(FieldError.notSupported(path, v, allowed));
        }
    }

    /** Kubernetes' ValidateImmutableField: any change (including setting or clearing) is Invalid. */
    public static void immutable(List<FieldError> errs, JsonNode now, JsonNode before, FieldPath path) {
        if (!Tree.same(now, before)) errs.add(FieldError.invalid(path, now == null || now.isMissingNode() ? null : now, IMMUTABLE));
    }

    /**
     * An int-or-percent such as maxSurge: a non-negative integer or a string {@code N%}; with
     * {@code atMost100Percent} a percentage may not exceed 100.
     */
    public static void intOrPercent(List<FieldError> errs, JsonNode v, FieldPath path, boolean atMost100Percent) {
        if (v == null || v.isNull() || v.isMissingNode()) return;
        if (v.isIntegralNumber()) {
            if (v.asLong() < 0) errs.add(FieldError.invalid(path, v.asLong(), NON_NEGATIVE));
            return;
        }
        String s = v.asText();
        if (!s.matches("[0-9]+%")) {
            errs.add(FieldError.invalid(path, s, Formats.regexError("a valid percent string must be a numeric string followed by "
                    + "an ending '%'", "[0-9]+%", "1%", "93%")));
        } else if (atMost100Percent && Long.parseLong(s.substring(0, Math.min(s.length() - 1, 10))) > 100) {
            errs.add(FieldError.invalid(path, s, "must not be greater than 100%"));
        }
    }

    /** The value of an int-or-percent field as Kubernetes compares it with zero (0 for "0%" and for 0). */
    public static long intOrPercentValue(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return 0;
        if (v.isIntegralNumber()) return v.asLong();
        String s = v.asText();
        try {
            return Long.parseLong(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
