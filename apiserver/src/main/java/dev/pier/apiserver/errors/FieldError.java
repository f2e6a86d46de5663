package dev.pier.apiserver.errors;

/**
 * One validation failure, as Kubernetes' field.Error: a reason type, the field, the bad value and a detail.
 * Turned into a 422 Status by {@link ApiException#invalid}.
 */
public record FieldError(Type type, FieldPath field, Object badValue, String detail) {

    /** The cause reasons Kubernetes uses; {@link #message()} renders them as kubectl users know them. */
    public enum Type {
        REQUIRED("FieldValueRequired", "Required value"),
        INVALID("FieldValueInvalid", "Invalid value"),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        NOT_FOUND("FieldValueNotFound", "Not found"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TYPE_INVALID("FieldValueTypeInvalid", "Invalid value");

        final String reason;
        final String text;

        Type(String reason, String text) {
            this.reason = reason;
            this.text = text;
        }
    }

    public static FieldError required(FieldPath field, String detail) {
        return new FieldError(Type.REQUIRED, field, null, detail);
    }

    public static FieldError invalid(FieldPath field, Object value, String detail) {
        return new FieldError(Type.INVALID, field, value, detail);
    }

    public static FieldError notSupported(FieldPath field, Object value, java.util.Collection<String> allowed) {
        return new FieldError(Type.NOT_SUPPORTED, field, value,
                "supported values: " + String.join(", ", allowed.stream().map(v -> "\"" + v + "\"").toList()));
    }

    /** A reference to something that does not exist, e.g. a volume mount naming no volume. */
    public static FieldError notFound(FieldPath field, Object value) {
        return new FieldError(Type.NOT_FOUND, field, value, "");
    }

    public static FieldError duplicate(FieldPath field, Object value) {
        return new FieldError(Type.DUPLICATE, field, value, "");
    }

    public static FieldError forbidden(FieldPath field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, null, detail);
    }

    public static FieldError tooLong(FieldPath field, int max) {
        return new FieldError(Type.TOO_LONG, field, null, "must have at most " + max + " bytes");
    }

    public String reason() {
        return type.reason;
    }

    /** The message kubectl prints after the field, e.g. {@code Required value} or {@code Invalid value: "x": detail}. */
    public String message() {
        StringBuilder sb = new StringBuilder(type.text);
        if (type == Type.INVALID || type == Type.NOT_SUPPORTED || type == Type.DUPLICATE || type == Type.TYPE_INVALID
                || type == Type.NOT_FOUND) {
            sb.append(": ").append(renderValue(badValue));
        }
        if (detail != null && !detail.isEmpty()) sb.append(": ").append(detail);
        return sb.toString();
    }

    private static String renderValue(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "\"" + s + "\"";
        if (v instanceof com.fasterxml.jackson.databind.JsonNode n) return n.isTextual() ? "\"" + n.asText() + "\"" : n.toString();
        return String.valueOf(v);
    }
}
