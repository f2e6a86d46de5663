package dev.pier.controllers.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.Adoption;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static dev.pier.controllers.runtime.Writes.ignoreGone;

/**
 * The ControllerRevisions of DaemonSets and StatefulSets: each records one pod template the set has had
 * ({@link TemplatePatch}), is named {@code <set>-<hash>}, numbered by {@code revision} and controlled by the
 * set. {@code kubectl rollout history} lists them by the set's selector and owner, and {@code rollout undo}
 * patches the set with one's data; going back to an old template renumbers its revision rather than
 * recording it again, as Kubernetes' controller history does.
 */
public final class ControllerHistory {
    /** The label on revisions and on pods that names the revision (or its hash) they belong to. */
    public static final String HASH_LABEL = "controller-revision-hash";
    /** Oldest first: by revision number, then creation, then name (Kubernetes' SortControllerRevisions). */
    public static final Comparator<JsonNode> OLDEST_FIRST = Comparator
            .comparingLong(ControllerHistory::revision)
            .thenComparing(r -> r.path("metadata").path("creationTimestamp").asText(""))
            .thenComparing(r -> r.path("metadata").path("name").asText());
    /** Kubernetes keeps a revision name under 253 characters by cutting the owner's name. */
    private static final int MAX_PREFIX = 223;

    private final LocalClient client;
    private final Informer revisions;

    public ControllerHistory(LocalClient client, Informer revisions) {
        this.client = client;
        this.revisions = revisions;
    }

    public Informer informer() {
        return revisions;
    }

    /** A revision's number. */
    public static long revision(JsonNode revision) {
        return revision.path("revision").asLong(0);
    }

    /** What {@link #current} found or made. */
    public record Current(ObjectNode revision, List<ObjectNode> others, int collisionCount) {
        public String name() {
            return revision.path("metadata").path("name").asText();
        }

        public String hash() {
            return revision.path("metadata").path("labels").path(HASH_LABEL).asText();
        }
    }

    /**
     * The revisions {@code owner} controls, oldest first, after adopting orphans its selector matches and
     * releasing revisions it controls that its selector no longer matches.
     */
    public List<ObjectNode> claim(ObjectKey key, JsonNode owner) {
        JsonNode selector = owner.path("spec").path("selector");
        // an empty selector would claim every revision of the namespace: validation refuses one, and so do we
        List<ObjectNode> owned = new ArrayList<>(Adoption.claim(client.resource(key.cell(), revisions.type()), owner,
                revisions.list(key.cell(), key.namespace()),
                r -> !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, r.path("metadata").path("labels"))));
        owned.sort(OLDEST_FIRST);
        return owned;
    }

    /**
     * The revision of {@code owner}'s current template among {@code owned} (oldest first). The newest revision
     * if it records that template; an older one that does is renumbered as the newest (a rollback); otherwise
     * a new revision is created, its name moved on by the collision count while another template holds it.
     */
    public Current current(ObjectKey key, JsonNode owner, List<ObjectNode> owned) {
        ObjectNode data = TemplatePatch.of(owner);
        int collisions = owner.path("status").path("collisionCount").asInt(0);
        long next = owned.isEmpty() ? 1 : revision(owned.getLast()) + 1;
        ObjectNode equal = null;
        for (ObjectNode r : owned) if (Tree.same(data, r.get("data"))) equal = r; // the last equal one is the newest
        ObjectNode current;
        if (equal != null && equal == owned.getLast()) {
            current = equal;
        } else if (equal != null) {
            ObjectNode patch = Json.object();
            Tree.putNumber(patch, "revision", next);
            String name = equal.path("metadata").path("name").asText();
            current = client.resource(key.cell(), revisions.type())
                    .patch(key.namespace(), name, Owners.uid(equal), PatchType.MERGE, patch, false);
        } else {
            Created created = create(key, owner, data, next, collisions);
            current = created.revision;
            collisions = created.collisions;
        }
        List<ObjectNode> others = new ArrayList<>();
        String currentName = current.path("metadata").path("name").asText();
        for (ObjectNode r : owned) if (!r.path("metadata").path("name").asText().equals(currentName)) others.add(r);
        return new Current(current, others, collisions);
    }

    private record Created(ObjectNode revision, int collisions) {
    }

    private Created create(ObjectKey key, JsonNode owner, ObjectNode data, long number, int collisions) {
        ResourceClient rc = client.resource(key.cell(), revisions.type());
        String prefix = owner.path("metadata").path("name").asText();
        if (prefix.length() > MAX_PREFIX) prefix = prefix.substring(0, MAX_PREFIX);
        while (true) {
            String hash = RevisionHash.of(data, collisions);
            ObjectNode revision = Json.object();
            revision.put("apiVersion", "apps/v1");
            revision.put("kind", "ControllerRevision");
            ObjectNode meta = revision.putObject("metadata");
            meta.put("name", prefix + "-" + hash);
            meta.put("namespace", key.namespace());
            ObjectNode labels = meta.putObject("labels");
            owner.path("spec").path("template").path("metadata").path("labels").properties()
                    .forEach(e -> labels.set(e.getKey(), e.getValue()));
            labels.put(HASH_LABEL, hash);
            // the owner's annotations (kubernetes.io/change-cause among them) are what rollout history prints
            if (owner.path("metadata").path("annotations") instanceof ObjectNode annotations && !annotations.isEmpty()) {
                meta.set("annotations", annotations.deepCopy());
            }
            meta.putArray("ownerReferences").add(Owners.controllerRef(owner));
            revision.set("data", data);
            Tree.putNumber(revision, "revision", number);
            try {
                return new Created(rc.create(key.namespace(), revision), collisions);
            } catch (ApiException e) {
                if (e.code() != 409) throw e;
                Optional<ObjectNode> taken = rc.find(key.namespace(), prefix + "-" + hash);
                if (taken.isPresent() && Tree.same(data, taken.get().get("data")) && Owners.isControlledBy(taken.get(), Owners.uid(owner))) {
                    return new Created(taken.get(), collisions);
                }
                collisions++; // another template (or another owner) has this name: move on
            }
        }
    }

    /** Deletes a revision no longer wanted; one already gone is fine. */
    public void delete(ObjectKey key, JsonNode revision) {
        ignoreGone(() -> client.resource(key.cell(), revisions.type()).delete(key.namespace(),
                revision.path("metadata").path("name").asText(), new DeleteOptions(Owners.uid(revision), "", -1, "", false)));
    }

}
