package dev.pier.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.ServedApi;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.Keys;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.watch.SyncLoop;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;

/**
 * Serves a cell's CustomResourceDefinitions: on every change of a CRD it rebuilds the cell's served API
 * (built-in kinds plus every accepted CRD's served versions), marks new CRDs NamesAccepted and
 * Established, and empties and releases CRDs being deleted. Level-based: each pass looks at all CRDs.
 */
public final class CrdController implements AutoCloseable {
    private final Cell cell;
    private SyncLoop loop;
    /** uid:generation of every CRD whose types are served, to rebuild only when definitions change. */
    private Set<String> servedDefinitions = Set.of();

    private CrdController(Cell cell) {
        this.cell = cell;
    }

    public static CrdController start(Cell cell) {
        CrdController c = new CrdController(cell);
        c.sync(); // serve existing CRDs before the cell takes requests
        c.loop = SyncLoop.start("crd-controller-" + cell.name(),
                () -> cell.cache(CustomResources.DEFINITIONS).watch(0, o -> true, 1024),
                Duration.ofSeconds(2), changes -> c.sync());
        return c;
    }

    /** One pass over every CRD. @return true when nothing is left to retry */
    boolean sync() {
        String prefix = Keys.resourcePrefix(cell.name(), CustomResources.DEFINITIONS);
        List<ObjectNode> crds = cell.cache(CustomResources.DEFINITIONS).list(0, prefix, o -> true).items();
        Set<String> takenNames = new HashSet<>();
        for (ResourceType t : cell.builtinApi().registry().all()) takenNames.add(t.groupResource());
        List<ResourceType> types = new ArrayList<>();
        Set<String> definitions = new HashSet<>();
        boolean done = true;
        for (ObjectNode crd : crds) {
            JsonNode meta = crd.path("metadata");
            String name = meta.path("name").asText();
            if (meta.hasNonNull("deletionTimestamp")) {
                done &= cleanUp(crd);
                continue;
            }
            boolean accepted = takenNames.add(name); // name = plural.group
            if (accepted) {
                types.addAll(CustomResources.typesOf(crd));
                definitions.add(meta.path("uid").asText() + ":" + meta.path("generation").asText());
            }
            updateStatus(name, accepted);
        }
        if (!definitions.equals(servedDefinitions)) {
            cell.serve(ServedApi.of(cell.builtinApi().registry().plus(types)));
            servedDefinitions = definitions;
        }
        return done;
    }

    private void updateStatus(String name, boolean accepted) {
        try {
            cell.store(CustomResources.DEFINITIONS).guaranteedUpdate("", name, "", true, WriteOptions.defaults(), crd -> {
                JsonNode previous = crd.path("status").path("conditions").deepCopy();
                ObjectNode status = Json.with(crd, "status");
                JsonNode spec = crd.path("spec");
                if (accepted) status.set("acceptedNames", spec.path("names").deepCopy());
                ArrayNode conditions = status.putArray("conditions");
                String now = Instant.now(cell.clock()).truncatedTo(ChronoUnit.SECONDS).toString();
                condition(conditions, previous, "NamesAccepted", accepted, accepted ? "NoConflicts" : "NameConflict",
                        accepted ? "no conflicts found" : "the name " + name + " is already served", now);
                condition(conditions, previous, "Established", accepted, accepted ? "InitialNamesAccepted" : "NotAccepted",
                        accepted ? "the initial names have been accepted" : "not all names are accepted", now);
                ArrayNode stored = status.withArray("storedVersions");
                for (JsonNode v : spec.path("versions")) {
                    if (v.path("storage").asBoolean(false) && !contains(stored, v.path("name").asText())) stored.add(v.path("name").asText());
                }
                return crd;
            });
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
    }

    /**
     * Adds a condition. It keeps its previous lastTransitionTime while its status is unchanged, so a pass
     * that changes nothing produces an identical object and no write.
     */
    private static void condition(ArrayNode conditions, JsonNode previous, String type, boolean ok, String reason,
                                  String message, String now) {
        String status = ok ? "True" : "False";
        String since = now;
        for (JsonNode p : previous) {
            if (p.path("type").asText().equals(type) && p.path("status").asText().equals(status)) {
                since = p.path("lastTransitionTime").asText(now);
            }
        }
        ObjectNode c = conditions.addObject();
        c.put("type", type);
        c.put("status", status);
        c.put("lastTransitionTime", since);
        c.put("reason", reason);
        c.put("message", message);
    }

    private static boolean contains(ArrayNode list, String value) {
        for (JsonNode n : list) if (n.asText().equals(value)) return true;
        return false;
    }

    /** Deletes every object of a CRD being deleted, then drops its clean-up finalizer. @return true when done */
    private boolean cleanUp(ObjectNode crd) {
        List<ResourceType> types = CustomResources.typesOf(crd);
        if (!types.isEmpty()) {
            ObjectNode left = cell.store(types.getFirst()).deleteCollection("", ListOptions.all(), DeleteOptions.defaults());
            for (JsonNode item : left.path("items")) {
                if (!item.path("metadata").path("finalizers").isEmpty()) return false;
            }
        }
        try {
            cell.store(CustomResources.DEFINITIONS).guaranteedUpdate("", crd.path("metadata").path("name").asText(), "", false,
                    WriteOptions.defaults(), c -> {
                        ArrayNode finalizers = c.withObject("metadata").withArray("finalizers");
                        for (int i = finalizers.size() - 1; i >= 0; i--) {
                            if (finalizers.get(i).asText().equals(CrdStrategy.CLEANUP_FINALIZER)) finalizers.remove(i);
                        }
                        if (finalizers.isEmpty()) c.withObject("metadata").remove("finalizers");
                        return c;
                    });
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
        return true;
    }

    @Override
    public void close() {
        if (loop != null) loop.close();
    }
}
