package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /v1/clusters/{id}/events}: the management cell's Events about the cluster, its node groups and its
 * machines, newest first. Machines are matched by uid among those that exist now and node groups also by name, so
 * the events of a group deleted since still show; those of a machine deleted since do not.
 */
final class EventsHandler {
    private final PierObjects objects;

    EventsHandler(PierObjects objects) {
        this.objects = objects;
    }

    Reply events(ApiCall call, List<String> params) {
        ObjectNode cluster = objects.cluster(params.getFirst());
        String name = cluster.path("metadata").path("name").asText();
        Set<String> uids = new HashSet<>();
        uids.add(cluster.path("metadata").path("uid").asText());
        objects.nodeGroupsOf(name).forEach(g -> uids.add(g.path("metadata").path("uid").asText()));
        objects.machinesOf(name).forEach(m -> uids.add(m.path("metadata").path("uid").asText()));
        ObjectNode body = Json.object();
        ArrayNode events = body.putArray("events");
        objects.events().list("").stream()
                .filter(e -> about(e.path("involvedObject"), name, uids))
                .sorted(Comparator.comparing(EventsHandler::time).reversed())
                .forEach(e -> events.add(view(e)));
        return Reply.json(200, body);
    }

    private static boolean about(JsonNode involved, String cluster, Set<String> uids) {
        if (!involved.path("apiVersion").asText().startsWith(PierObjects.GROUP + "/")) return false;
        if (uids.contains(involved.path("uid").asText())) return true;
        String kind = involved.path("kind").asText();
        String name = involved.path("name").asText();
        return kind.equals("Cluster") && name.equals(cluster) || kind.equals("NodeGroup") && name.startsWith(cluster + ".");
    }

    /** When the event last happened: lastTimestamp, or eventTime for events.k8s.io writers. RFC 3339 UTC sorts as text. */
    private static String time(JsonNode event) {
        String last = event.path("lastTimestamp").asText("");
        return last.isEmpty() ? event.path("eventTime").asText("") : last;
    }

    private static ObjectNode view(JsonNode event) {
        JsonNode involved = event.path("involvedObject");
        ObjectNode view = Json.object();
        view.put("timestamp", time(event));
        view.put("type", event.path("type").asText());
        view.put("reason", event.path("reason").asText());
        view.put("message", event.path("message").asText());
        view.put("count", event.path("count").asInt(1));
        view.put("source", event.path("source").path("component").asText(event.path("reportingComponent").asText()));
        ObjectNode object = view.putObject("object");
        object.put("kind", involved.path("kind").asText());
        object.put("name", involved.path("name").asText());
        object.put("uuid", involved.path("uid").asText());
        return view;
    }
}
