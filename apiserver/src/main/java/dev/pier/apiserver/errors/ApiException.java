package dev.pier.apiserver.errors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A failed API call, carrying the {@code metav1.Status} the client receives.
 * This is the only place that pairs Kubernetes reasons with HTTP codes.
 */
public final class ApiException extends RuntimeException {
    private final int code;
    private final String reason;
    private final ObjectNode details;

    private ApiException(int code, String reason, String message, ObjectNode details) {
        this(code, reason, message, details, null);
    }

    /**
     * No stack trace of its own (statuses are answers, not bugs, and are made often); a {@code cause} keeps
     * its own, for the log of a server error. Neither ever reaches the client.
     */
    private ApiException(int code, String reason, String message, ObjectNode details, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The Status object for the response body. */
    public ObjectNode toStatus() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", getMessage());
        s.put("reason", reason);
        if (details != null) s.set("details", details);
        s.put("code", code);
        return s;
    }

    private static ObjectNode details(String group, String kind, String name) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        if (name != null) d.put("name", name);
        if (group != null && !group.isEmpty()) d.put("group", group);
        if (kind != null) d.put("kind", kind);
        return d;
    }

    private static String qualified(String group, String resource) {
        return group == null || group.isEmpty() ? resource : resource + "." + group;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "Unauthorized", null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "Forbidden", message, null);
    }

    /**
     * An authorization refusal on a resource, worded as Kubernetes' RBAC refusals:
     * {@code pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "default"}.
     */
    public static ApiException forbidden(String group, String resource, String name, String why) {
        String subject = qualified(group, resource) + (name == null || name.isEmpty() ? "" : " \"" + name + "\"");
        return new ApiException(403, "Forbidden", subject + " is forbidden: " + why,
                details(group, resource, name == null || name.isEmpty() ? null : name));
    }

    public static ApiException notFound(String group, String resource, String name) {
        return new ApiException(404, "NotFound",
                qualified(group, resource) + " \"" + name + "\" not found", details(group, resource, name));
    }

    /** A path that names no resource at all. */
    public static ApiException pathNotFound(String path) {
        return new ApiException(404, "NotFound", "the server could not find the requested resource", null);
    }

    public static ApiException methodNotAllowed(String method, String what) {
        return new ApiException(405, "MethodNotAllowed",
                "the server does not allow this method on the requested resource (" + method + " " + what + ")", null);
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(406, "NotAcceptable", message, null);
    }

    public static ApiException alreadyExists(String group, String resource, String name) {
        return new ApiException(409, "AlreadyExists",
                qualified(group, resource) + " \"" + name + "\" already exists", details(group, resource, name));
    }

    public static ApiException conflict(String group, String resource, String name, String why) {
        return new ApiException(409, "Conflict",
                "Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + name + "\": " + why,
                details(group, resource, name));
    }

    /** A write refused because the object was changed since the client read it. */
    public static ApiException modified(String group, String resource, String name) {
        return conflict(group, resource, name,
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Expired", message, null);
    }

    public static ApiException requestTooLarge(String message) {
        return new ApiException(413, "RequestEntityTooLarge", message, null);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: "
                        + "application/json, application/yaml, application/vnd.kubernetes.protobuf (got " + contentType + ")", null);
    }

    /** 422 Invalid: the one place a list of field errors becomes a Status with causes. */
    public static ApiException invalid(String group, String kind, String name, List<FieldError> errors) {
        ObjectNode d = details(group, kind, name);
        var causes = d.putArray("causes");
        StringBuilder summary = new StringBuilder();
        for (FieldError e : errors) {
            ObjectNode c = causes.addObject();
            c.put("reason", e.reason());
            c.put("message", e.message());
            c.put("field", e.field().toString());
            if (!summary.isEmpty()) summary.append(", ");
            summary.append(e.field()).append(": ").append(e.message());
        }
        String subject = (group == null || group.isEmpty() ? kind : kind + "." + group) + " \"" + (name == null ? "" : name) + "\"";
        String message = errors.size() == 1
                ? subject + " is invalid: " + summary
                : subject + " is invalid: [" + summary + "]";
        return new ApiException(422, "Invalid", message, d);
    }

    /** 422 without field causes: a well-formed request that cannot be carried out (e.g. a failing JSON patch test). */
    public static ApiException unprocessable(String message) {
        return new ApiException(422, "Invalid", message, null);
    }

    public static ApiException tooManyRequests(String message) {
        return new ApiException(429, "TooManyRequests", message, null);
    }

    /** 429 refusing an eviction: the pod's disruption budget allows none now (what kubectl drain retries on). */
    public static ApiException disruptionBudget(String budget, String why) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", why);
        return new ApiException(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", d);
    }

    /**
     * An error a node agent answered (logs, exec, ...), passed on with the reason of its code and the agent's own message,
     * as kube-apiserver's generic response checker does with the kubelet's answers.
     */
    public static ApiException fromNode(int code, String message) {
        String reason = switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> "InternalError";
        };
        return new ApiException(code, reason, message, null);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message, null);
    }

    /** 503 caused by a failure (e.g. of storage) whose stack trace the server logs; the client sees only the message. */
    public static ApiException unavailable(String message, Throwable cause) {
        return new ApiException(503, "ServiceUnavailable", message, null, cause);
    }

    public static ApiException timeout(String message) {
        return new ApiException(504, "Timeout", message, null);
    }
}
