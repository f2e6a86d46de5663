package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An apply whose fields are owned by other managers with other values: Kubernetes' 409 Conflict with one
 * {@code FieldManagerConflict} cause per field, and the message kubectl prints, e.g.
 * {@code Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas}.
 */
public final class ApplyConflictException extends RuntimeException {
    /** One field owned by another manager. */
    record Conflict(String manager, String path) {
    }

    private final List<Conflict> conflicts;

    private ApplyConflictException(List<Conflict> conflicts, String message) {
        super(message, null, false, false);
        this.conflicts = List.copyOf(conflicts);
    }

    static ApplyConflictException of(Map<ManagedFields.Entry, FieldSet> byManager) {
        List<Conflict> list = new ArrayList<>();
        byManager.forEach((entry, fields) -> {
            for (List<PathElement> p : fields.paths()) list.add(new Conflict(entry.printed(), PathElement.toString(p)));
        });
        list.sort(Comparator.comparing(Conflict::manager));
        return new ApplyConflictException(list, message(list));
    }

    private static String message(List<Conflict> list) {
        if (list.size() == 1) {
            return "Apply failed with 1 conflict: conflict with " + list.getFirst().manager() + ": " + list.getFirst().path();
        }
        Map<String, List<String>> byManager = new TreeMap<>();
        for (Conflict c : list) byManager.computeIfAbsent(c.manager(), k -> new ArrayList<>()).add(c.path());
        List<String> lines = new ArrayList<>();
        byManager.forEach((m, paths) -> {
            lines.add("conflicts with " + m + ":");
            for (String p : paths) lines.add("- " + p);
        });
        return "Apply failed with " + list.size() + " conflicts: " + String.join("\n", lines);
    }

    List<Conflict> conflicts() {
        return conflicts;
    }

    /** The Status body of the 409 response. */
    public ObjectNode toStatus() {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", getMessage());
        s.put("reason", "Conflict");
        ArrayNode causes = s.putObject("details").putArray("causes");
        for (Conflict c : conflicts) {
            ObjectNode cause = causes.addObject();
            cause.put("reason", "FieldManagerConflict");
            cause.put("message", "conflict with " + c.manager());
            cause.put("field", c.path());
        }
        s.put("code", 409);
        return s;
    }
}
