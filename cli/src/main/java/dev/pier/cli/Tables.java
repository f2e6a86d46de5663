package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** The REST API's clusters, node groups and events as tables; each reads only fields docs/api.md names. */
final class Tables {
    private Tables() {
    }

    /** One cluster, or the {@code clusters} list of {@code GET /v1/clusters}. */
    static Table clusters(JsonNode answer, Instant now) {
        Table table = new Table("NAME", "STATUS", "NODES", "FLAVOR", "API ADDRESS", "AGE");
        for (JsonNode c : items(answer, "clusters")) {
            table.row(text(c, "name"), text(c, "status"), text(c, "node_count"), text(c, "flavor_id"), text(c, "api_address"),
                    Age.since(text(c, "created_at"), now));
        }
        return table;
    }

    static Table nodeGroups(JsonNode answer, Instant now) {
        Table table = new Table("NAME", "STATUS", "NODES", "FLAVOR", "DEFAULT", "AGE");
        for (JsonNode g : items(answer, "nodegroups")) {
            table.row(text(g, "name"), text(g, "status"), text(g, "node_count"), text(g, "flavor_id"), text(g, "is_default"),
                    Age.since(text(g, "created_at"), now));
        }
        return table;
    }

    static Table events(JsonNode answer, Instant now) {
        Table table = new Table("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
        for (JsonNode e : items(answer, "events")) {
            JsonNode object = e.path("object");
            String kind = text(object, "kind");
            table.row(Age.since(text(e, "timestamp"), now), text(e, "type"), text(e, "reason"),
                    (kind == null ? "" : kind.toLowerCase() + "/") + text(object, "name"), text(e, "message"));
        }
        return table;
    }

    /** The list under {@code listField}, or the answer itself when it is one object. */
    private static Iterable<JsonNode> items(JsonNode answer, String listField) {
        return answer.has(listField) ? answer.path(listField) : java.util.List.of(answer);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }
}
