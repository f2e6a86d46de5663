package dev.pier.controllers.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Follows ownerReferences, after Kubernetes' garbage collector: an object whose owners are all gone is
 * deleted (background propagation); references to owners that are gone are dropped while others remain;
 * an owner deleted with {@code propagationPolicy=Orphan} carries the {@code orphan} finalizer until its
 * dependents no longer point at it; one deleted with {@code Foreground} carries {@code foregroundDeletion}
 * until its blocking dependents are gone, and those are deleted in the foreground in turn.
 *
 * <p>Keys are object uids, unique across cells, so one queue serves every cell.
 */
public final class GarbageCollector implements Reconciler<GarbageCollector.Uid> {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";

    /** A GC key: an object's uid, with its cell for logs. */
    public record Uid(String cell, String uid) {
    }

    private final LocalClient client;
    private final OwnerGraph graph = new OwnerGraph();
    private final WorkQueue<Uid> queue;

    public GarbageCollector(LocalClient client, List<Informer> watched, WorkQueue<Uid> queue) {
        this.client = client;
        this.queue = queue;
        for (Informer informer : watched) {
            ResourceType type = informer.type();
            informer.addHandler(new EventHandler() {
                @Override
                public void onAdd(String cell, ObjectNode object) {
                    observe(cell, type, object);
                }

                @Override
                public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                    observe(cell, type, current);
                }

                @Override
                public void onDelete(String cell, ObjectNode last) {
                    OwnerGraph.Node node = OwnerGraph.nodeOf(cell, type, last);
                    graph.remove(node.uid());
                    // its dependents may now be dangling; an owner waiting in the foreground may be free
                    for (OwnerGraph.Node d : graph.dependentsOf(node.uid())) queue.add(new Uid(cell, d.uid()));
                    for (OwnerGraph.OwnerRef r : node.owners()) queue.add(new Uid(cell, r.uid()));
                }
            });
        }
    }

    private void observe(String cell, ResourceType type, ObjectNode object) {
        OwnerGraph.Node node = OwnerGraph.nodeOf(cell, type, object);
        graph.put(node);
        if (!node.owners().isEmpty()) queue.add(new Uid(cell, node.uid()));
        if (node.deleting()) {
            if (node.finalizers().contains(ORPHAN) || node.finalizers().contains(FOREGROUND)) queue.add(new Uid(cell, node.uid()));
            // dependents of an owner deleted in the foreground must go first
            for (OwnerGraph.Node d : graph.dependentsOf(node.uid())) queue.add(new Uid(cell, d.uid()));
        }
    }

    @Override
    public Result sync(Uid key) {
        OwnerGraph.Node node = graph.get(key.uid());
        if (node == null) return Result.done();
        if (node.deleting() && node.finalizers().contains(ORPHAN)) {
            orphanDependents(node);
            return Result.done();
        }
        if (node.deleting() && node.finalizers().contains(FOREGROUND)) {
            deleteDependentsInForeground(node);
            return Result.done();
        }
        if (node.owners().isEmpty() || node.deleting()) return Result.done();
        checkOwners(node);
        return Result.done();
    }

    /** Drops references to owners that no longer exist; deletes the object if none is left. */
    private void checkOwners(OwnerGraph.Node node) {
        List<OwnerGraph.OwnerRef> gone = new ArrayList<>();
        boolean ownerInForeground = false;
        for (OwnerGraph.OwnerRef ref : node.owners()) {
            Optional<JsonNode> owner = liveOwner(node, ref);
            if (owner.isEmpty()) gone.add(ref);
            else if (ref.blockOwnerDeletion() && owner.get().path("metadata").hasNonNull("deletionTimestamp")
                    && hasFinalizer(owner.get(), FOREGROUND)) ownerInForeground = true;
        }
        ResourceClient objects = client.resource(node.cell(), node.type());
        if (gone.size() == node.owners().size()) {
            LOG.debug("deleting {} {}/{} in {}: its owners are gone", node.type().kind(), node.namespace(), node.name(), node.cell());
            delete(objects, node, "Background");
        } else if (ownerInForeground) {
            delete(objects, node, "Foreground");
        } else if (!gone.isEmpty()) {
            ArrayNode refs = Json.object().arrayNode();
            JsonNode current = objects.find(node.namespace(), node.name()).orElse(null);
            if (current == null || !current.path("metadata").path("uid").asText().equals(node.uid())) return;
            for (JsonNode r : current.path("metadata").path("ownerReferences")) {
                if (gone.stream().noneMatch(g -> g.uid().equals(r.path("uid").asText()))) refs.add(r);
            }
            ObjectNode patch = Json.object();
            patch.putObject("metadata").set("ownerReferences", refs);
            ignoreGone(() -> objects.patch(node.namespace(), node.name(), node.uid(), PatchType.MERGE, patch, false));
        }
    }

    /**
     * The owner as stored now (not as the graph last saw it, which may lag): an owner counts as present
     * only with the same uid, so a re-created namesake does not adopt old dependents.
     */
    private Optional<JsonNode> liveOwner(OwnerGraph.Node dependent, OwnerGraph.OwnerRef ref) {
        OwnerGraph.Node known = graph.get(ref.uid());
        ResourceType type = known != null ? known.type() : typeOf(dependent.cell(), ref).orElse(null);
        if (type == null) return Optional.empty(); // a kind this cell does not serve cannot own anything
        String namespace = type.namespaced() ? dependent.namespace() : "";
        Optional<ObjectNode> found = client.resource(dependent.cell(), type).find(namespace, ref.name());
        return found.filter(o -> o.path("metadata").path("uid").asText().equals(ref.uid())).map(o -> o);
    }

    private Optional<ResourceType> typeOf(String cell, OwnerGraph.OwnerRef ref) {
        for (ResourceType t : client.cell(cell).registry().all()) {
            if (t.kind().equals(ref.kind()) && t.apiVersion().equals(ref.apiVersion())) return Optional.of(t);
        }
        // another version of the same group and kind stores the same objects
        String group = ref.apiVersion().contains("/") ? ref.apiVersion().substring(0, ref.apiVersion().indexOf('/')) : "";
        for (ResourceType t : client.cell(cell).registry().all()) {
            if (t.kind().equals(ref.kind()) && t.group().equals(group)) return Optional.of(t);
        }
        return Optional.empty();
    }

    private void orphanDependents(OwnerGraph.Node owner) {
        for (OwnerGraph.Node d : graph.dependentsOf(owner.uid())) {
            ResourceClient objects = client.resource(d.cell(), d.type());
            JsonNode current = objects.find(d.namespace(), d.name()).orElse(null);
            if (current == null) continue;
            ArrayNode refs = Json.object().arrayNode();
            for (JsonNode r : current.path("metadata").path("ownerReferences")) {
                if (!r.path("uid").asText().equals(owner.uid())) refs.add(r);
            }
            ObjectNode patch = Json.object();
            patch.putObject("metadata").set("ownerReferences", refs);
            ignoreGone(() -> objects.patch(d.namespace(), d.name(), d.uid(), PatchType.MERGE, patch, false));
        }
        removeFinalizer(owner, ORPHAN);
    }

    private void deleteDependentsInForeground(OwnerGraph.Node owner) {
        boolean waiting = false;
        for (OwnerGraph.Node d : graph.dependentsOf(owner.uid())) {
            ResourceClient objects = client.resource(d.cell(), d.type());
            boolean blocks = d.owners().stream().anyMatch(r -> r.uid().equals(owner.uid()) && r.blockOwnerDeletion());
            if (!d.deleting()) delete(objects, d, blocks ? "Foreground" : "Background");
            if (blocks) waiting = true;
        }
        if (!waiting) removeFinalizer(owner, FOREGROUND);
    }

    private void removeFinalizer(OwnerGraph.Node node, String finalizer) {
        ResourceClient objects = client.resource(node.cell(), node.type());
        JsonNode current = objects.find(node.namespace(), node.name()).orElse(null);
        if (current == null || !hasFinalizer(current, finalizer)) return;
        ArrayNode kept = Json.object().arrayNode();
        for (JsonNode f : current.path("metadata").path("finalizers")) if (!f.asText().equals(finalizer)) kept.add(f);
        ObjectNode patch = Json.object();
        patch.putObject("metadata").set("finalizers", kept);
        ignoreGone(() -> objects.patch(node.namespace(), node.name(), node.uid(), PatchType.MERGE, patch, false));
    }

    private static boolean hasFinalizer(JsonNode object, String finalizer) {
        for (JsonNode f : object.path("metadata").path("finalizers")) if (f.asText().equals(finalizer)) return true;
        return false;
    }

    private static void delete(ResourceClient objects, OwnerGraph.Node node, String propagation) {
        ignoreGone(() -> objects.delete(node.namespace(), node.name(), new DeleteOptions(node.uid(), "", -1, propagation, false)));
    }

    private static <T> T ignoreGone(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (ApiException e) {
            if (e.code() == 404 || e.code() == 409) return null; // gone, or replaced by a namesake: nothing to do
            throw e;
        }
    }
}
