package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.List;

/**
 * A failed NKS API call and the body the client receives: Magnum's error list
 * ({@code {"errors": [{"status", "code", "title", "detail"}]}}) with two additions of Pier's, {@code field}
 * and {@code fix}, so that a client can tell which field to change and how. The only place in this package
 * that pairs outcomes with HTTP status codes.
 */
public final class NksException extends RuntimeException {
    private final int status;
    private final String code;
    private final String title;
    private final List<Problem> problems;

    private NksException(int status, String code, String title, List<Problem> problems) {
        // answers, not bugs: no stack trace
        super(problems.getFirst().detail(), null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.problems = List.copyOf(problems);
    }

    public int status() {
        return status;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The response body. */
    public ObjectNode toJson() {
        ObjectNode body = Json.object();
        ArrayNode errors = body.putArray("errors");
        for (Problem p : problems) {
            ObjectNode e = errors.addObject();
            e.put("status", status);
            e.put("code", code);
            e.put("title", title);
            e.put("detail", p.detail());
            if (p.field() != null) e.put("field", p.field());
            if (p.fix() != null) e.put("fix", p.fix());
        }
        return body;
    }

    static NksException badRequest(String detail, String fix) {
        return new NksException(400, "bad_request", "Bad Request", List.of(new Problem(null, detail, fix)));
    }

    static NksException unauthorized() {
        return new NksException(401, "unauthorized", "Unauthorized", List.of(new Problem(null,
                "this API needs credentials", "present a client certificate of the management cluster's CA or an API token "
                        + "(Authorization: Bearer <token>) of the server's --token-auth-file")));
    }

    static NksException forbidden(String user) {
        return new NksException(403, "forbidden", "Forbidden", List.of(new Problem(null,
                "user \"" + user + "\" may not use the cluster API", "use credentials of the group system:masters")));
    }

    static NksException notFound(String field, String detail, String fix) {
        return new NksException(404, "not_found", "Not Found", List.of(new Problem(field, detail, fix)));
    }

    static NksException methodNotAllowed(String method, String path) {
        return new NksException(405, "method_not_allowed", "Method Not Allowed", List.of(new Problem(null,
                method + " is not allowed on " + path, "see docs/api.md for the methods of each path")));
    }

    static NksException conflict(String field, String detail, String fix) {
        return new NksException(409, "conflict", "Conflict", List.of(new Problem(field, detail, fix)));
    }

    static NksException invalid(List<Problem> problems) {
        if (problems.isEmpty()) throw new IllegalArgumentException("an invalid request needs at least one problem");
        return new NksException(422, "invalid", "Unprocessable Entity", problems);
    }

    static NksException invalid(String field, String detail, String fix) {
        return invalid(List.of(new Problem(field, detail, fix)));
    }

    static NksException notImplemented(String detail, String fix) {
        return new NksException(501, "not_implemented", "Not Implemented", List.of(new Problem(null, detail, fix)));
    }

    static NksException internal(String what) {
        return new NksException(500, "internal", "Internal Server Error", List.of(new Problem(null,
                "the server failed (" + what + "); its log says why", "retry; if it fails again, report it with the server's log")));
    }

    static NksException unavailable(String detail, String fix) {
        return new NksException(503, "unavailable", "Service Unavailable", List.of(new Problem(null, detail, fix)));
    }
}
