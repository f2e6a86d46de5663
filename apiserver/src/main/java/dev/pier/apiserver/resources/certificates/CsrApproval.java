package dev.pier.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.UpdateScope;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.resources.Tree;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code certificatesigningrequests/approval} subresource, as {@code kubectl certificate approve|deny}
 * writes it: only the Approved and Denied conditions of the submitted object are taken; spec, certificate
 * and other conditions stay as stored. An approval or denial once given cannot be taken back. The
 * kind's update rules forbid these conditions to change, so the write is a subresource update that checks
 * itself ({@link UpdateScope#SUBRESOURCE}).
 */
public final class CsrApproval {
    private CsrApproval() {
    }

    /**
     * @param submitted the CertificateSigningRequest as the client sent it; a resourceVersion in it must be current
     */
    public static ObjectNode update(ResourceStore csrs, String name, ObjectNode submitted, WriteOptions options, Clock clock) {
        String bodyName = submitted.path("metadata").path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        }
        String expected = submitted.path("metadata").path("resourceVersion").asText("");
        return csrs.guaranteedUpdate("", name, expected, UpdateScope.SUBRESOURCE, options, current -> {
            ArrayNode conditions = current.path("status").path("conditions").isArray()
                    ? ((ArrayNode) current.path("status").path("conditions")).deepCopy() : Tree.obj(current, "status").arrayNode();
            List<FieldError> errs = new ArrayList<>();
            for (String type : List.of(Csrs.APPROVED, Csrs.DENIED)) {
                ArrayNode before = CsrRules.conditions(current, type);
                ArrayNode after = CsrRules.conditions(submitted, type);
                if (before.size() > 0 && after.isEmpty()) {
                    errs.add(FieldError.forbidden(FieldPath.root("status").child("conditions"),
                            "updates may not remove a condition of type \"" + type + "\""));
                }
                if (before.size() > 0 && after.size() > 0) continue; // already decided: keep the stored one
                for (JsonNode c : after) conditions.add(stamped((ObjectNode) c.deepCopy(), clock));
            }
            if (!errs.isEmpty()) throw ApiException.invalid("certificates.k8s.io", "CertificateSigningRequest", name, errs);
            ObjectNode next = current;
            Tree.obj(next, "status").set("conditions", conditions);
            CsrRules.status(errs, next);
            if (!errs.isEmpty()) throw ApiException.invalid("certificates.k8s.io", "CertificateSigningRequest", name, errs);
            return next;
        });
    }

    /** Kubernetes fills in a condition's times when the client left them out. */
    static ObjectNode stamped(ObjectNode condition, Clock clock) {
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        if (Tree.text(condition, "lastUpdateTime").isEmpty()) condition.put("lastUpdateTime", now);
        if (Tree.text(condition, "lastTransitionTime").isEmpty()) condition.put("lastTransitionTime", now);
        return condition;
    }
}
