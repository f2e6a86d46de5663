package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the endpoints a Service should have into slice writes, touching as few slices as it can (the
 * point of slices: one pod changing rewrites one slice of 100 endpoints, not all of them).
 *
 * <p>Per group (address type and ports): each existing slice keeps the endpoints it has that are still
 * wanted, updated in place; endpoints not yet in any slice fill existing slices up to the maximum, then
 * new slices; slices left empty, and slices of groups no longer wanted, are deleted. Kubernetes' reconciler
 * goes further (it prefers filling slices that change anyway); this is its simple core.
 */
final class SlicePlan {
    /** Writes to make, in this order: creates first and deletes last, so that endpoints never vanish in between. */
    record Writes(List<ObjectNode> creates, List<ObjectNode> updates, List<ObjectNode> deletes) {
        boolean isEmpty() {
            return creates.isEmpty() && updates.isEmpty() && deletes.isEmpty();
        }
    }

    private SlicePlan() {
    }

    /**
     * @param desired  the groups the Service's pods make; a single placeholder group when it has none
     * @param existing the slices this controller manages for the Service
     * @param newSlice a new slice (metadata, address type, ports) of a group, without endpoints
     */
    static Writes plan(List<SliceGroup> desired, List<ObjectNode> existing, int maxPerSlice,
                       Function<SliceGroup, ObjectNode> newSlice) {
        List<ObjectNode> creates = new ArrayList<>();
        List<ObjectNode> updates = new ArrayList<>();
        List<ObjectNode> deletes = new ArrayList<>();
        Map<String, List<ObjectNode>> byGroup = new LinkedHashMap<>();
        for (ObjectNode slice : existing) byGroup.computeIfAbsent(SliceGroup.keyOf(slice), k -> new ArrayList<>()).add(slice);

        for (SliceGroup group : desired) {
            List<ObjectNode> slices = byGroup.remove(group.key());
            if (slices == null) slices = List.of();
            planGroup(group, slices, maxPerSlice, newSlice, creates, updates, deletes);
        }
        byGroup.values().forEach(deletes::addAll);
        reuseDeleted(creates, updates, deletes);
        return new Writes(creates, updates, deletes);
    }

    /**
     * As Kubernetes does: a slice about to be deleted becomes one about to be created (same address type),
     * one update instead of a create and a delete; the placeholder becomes the first real slice this way.
     */
    private static void reuseDeleted(List<ObjectNode> creates, List<ObjectNode> updates, List<ObjectNode> deletes) {
        for (var it = deletes.iterator(); it.hasNext() && !creates.isEmpty(); ) {
            ObjectNode doomed = it.next();
            ObjectNode fresh = creates.getLast();
            if (!doomed.path("addressType").equals(fresh.path("addressType"))) continue;
            creates.removeLast();
            it.remove();
            ObjectNode next = fresh.deepCopy();
            ObjectNode meta = doomed.path("metadata").deepCopy();
            meta.setAll((ObjectNode) fresh.path("metadata"));
            meta.remove("generateName");
            next.set("metadata", meta);
            if (!fresh.has("ports")) next.remove("ports");
            updates.add(next);
        }
    }

    private static void planGroup(SliceGroup group, List<ObjectNode> slices, int max, Function<SliceGroup, ObjectNode> newSlice,
                                  List<ObjectNode> creates, List<ObjectNode> updates, List<ObjectNode> deletes) {
        if (group.endpoints().isEmpty()) { // the placeholder: keep one empty slice
            if (slices.isEmpty()) {
                ObjectNode slice = newSlice.apply(group);
                slice.putArray("endpoints");
                creates.add(slice);
                return;
            }
            ObjectNode keep = slices.getFirst();
            if (keep.path("endpoints").size() > 0 || !keep.path("metadata").path("labels").equals(newSlice.apply(group).path("metadata").path("labels"))) {
                updates.add(withEndpoints(keep, List.of(), newSlice.apply(group)));
            }
            deletes.addAll(slices.subList(1, slices.size()));
            return;
        }
        Map<String, ObjectNode> wanted = new LinkedHashMap<>();
        for (ObjectNode e : group.endpoints()) wanted.put(SliceGroup.endpointKey(e), e);
        Set<String> placed = new HashSet<>();
        List<List<ObjectNode>> contents = new ArrayList<>();
        for (ObjectNode slice : slices) {
            List<ObjectNode> kept = new ArrayList<>();
            for (JsonNode e : slice.path("endpoints")) {
                String key = SliceGroup.endpointKey(e);
                if (wanted.containsKey(key) && placed.add(key) && kept.size() < max) kept.add(wanted.get(key));
            }
            contents.add(kept);
        }
        List<ObjectNode> unplaced = new ArrayList<>();
        for (var e : wanted.entrySet()) if (!placed.contains(e.getKey())) unplaced.add(e.getValue());
        int next = 0;
        for (List<ObjectNode> kept : contents) {
            while (kept.size() < max && next < unplaced.size()) kept.add(unplaced.get(next++));
        }
        ObjectNode template = newSlice.apply(group);
        for (int i = 0; i < slices.size(); i++) {
            ObjectNode slice = slices.get(i);
            List<ObjectNode> kept = contents.get(i);
            if (kept.isEmpty()) deletes.add(slice);
            else if (!sameEndpoints(slice, kept) || !slice.path("metadata").path("labels").equals(template.path("metadata").path("labels"))) {
                updates.add(withEndpoints(slice, kept, template));
            }
        }
        while (next < unplaced.size()) {
            List<ObjectNode> chunk = unplaced.subList(next, Math.min(unplaced.size(), next + max));
            ObjectNode slice = newSlice.apply(group);
            slice.set("endpoints", Json.object().arrayNode().addAll(chunk));
            creates.add(slice);
            next += chunk.size();
        }
    }

    private static boolean sameEndpoints(JsonNode slice, List<ObjectNode> endpoints) {
        JsonNode have = slice.path("endpoints");
        if (have.size() != endpoints.size()) return false;
        for (int i = 0; i < endpoints.size(); i++) if (!Json.sameValues(have.get(i), endpoints.get(i))) return false;
        return true;
    }

    /** A copy of an existing slice with new endpoints and the labels the Service now asks for. */
    private static ObjectNode withEndpoints(ObjectNode slice, List<ObjectNode> endpoints, ObjectNode template) {
        ObjectNode next = slice.deepCopy();
        next.set("endpoints", Json.object().arrayNode().addAll(endpoints));
        next.withObject("metadata").set("labels", template.path("metadata").path("labels").deepCopy());
        return next;
    }
}
