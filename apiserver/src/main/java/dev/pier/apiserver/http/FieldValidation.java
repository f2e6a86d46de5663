package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.schema.UnknownFields;
import dev.pier.apiserver.schema.WrongTypes;

import java.util.List;

/**
 * Honours {@code fieldValidation}: unknown fields fail the request (Strict, a 400 naming them), come back
 * as {@code Warning} headers (Warn, the default) or are dropped silently (Ignore). Unknown fields are
 * always dropped before storing.
 */
final class FieldValidation {
    private FieldValidation() {
    }

    static void check(ApiCall call, ResourceType type, ObjectNode body) {
        String mode = ResourceHandler.writeOptions(call).fieldValidation();
        List<String> wrong = WrongTypes.find(type, body);
        if (!wrong.isEmpty()) {
            // a body of the wrong shape cannot be decoded at all, whatever the validation mode
            throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
                    + type.kind() + ": " + String.join("; ", wrong));
        }
        List<String> unknown = UnknownFields.findAndPrune(type, body);
        if (unknown.isEmpty() || mode.equals("Ignore")) return;
        if (mode.equals("Strict")) {
            String list = String.join(", ", unknown.stream().map(f -> "unknown field \"" + f + "\"").toList());
            throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
                    + type.kind() + ": strict decoding error: " + list);
        }
        for (String f : unknown) call.header("Warning", "299 - \"unknown field \\\"" + f + "\\\"\"");
    }
}
