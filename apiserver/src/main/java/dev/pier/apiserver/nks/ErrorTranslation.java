package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the Kubernetes errors of writes to the objects into NKS errors: the 422 causes' field paths become
 * NKS field names with a fix, AlreadyExists and Conflict become 409, NotFound 404. Reads the Status the
 * client of the management API would receive, so both views report the same refusal.
 */
final class ErrorTranslation {
    private ErrorTranslation() {
    }

    /**
     * @param names how the object's fields are called in NKS
     * @param what  the object as the caller knows it, e.g. {@code cluster "prod"}
     */
    static NksException translate(ApiException e, FieldNames names, String what) {
        ObjectNode status = e.toStatus();
        return switch (e.code()) {
            case 404 -> NksException.notFound(null, what + " not found", null);
            case 409 -> e.reason().equals("AlreadyExists")
                    ? NksException.conflict("name", what + " already exists", "choose another name, or delete the existing one first")
                    : NksException.conflict(null, what + " was changed by someone else meanwhile: " + e.getMessage(),
                    "read it again and retry");
            case 422 -> NksException.invalid(problems(status, names, what));
            case 400 -> NksException.badRequest(e.getMessage(), null);
            default -> throw e; // not the caller's fault: the front end logs it and answers 5xx
        };
    }

    /** Runs a read or write of an object, its Kubernetes errors translated. */
    static <T> T translating(FieldNames names, String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            throw translate(e, names, what);
        }
    }

    private static List<Problem> problems(ObjectNode status, FieldNames names, String what) {
        List<Problem> out = new ArrayList<>();
        for (JsonNode cause : status.path("details").path("causes")) {
            String path = cause.path("field").asText("");
            if (path.isEmpty()) {
                out.add(new Problem(null, cause.path("message").asText(), null));
            } else {
                String field = names.nksName(path);
                out.add(new Problem(field, field + ": " + cause.path("message").asText(), names.fix(path)));
            }
        }
        if (out.isEmpty()) out.add(new Problem(null, what + " is invalid: " + status.path("message").asText(), null));
        return out;
    }
}
