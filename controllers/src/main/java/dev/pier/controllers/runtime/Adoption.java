package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which objects an owner controls, after Kubernetes' ControllerRefManager: objects it controls and still
 * matches are kept, those it controls but no longer matches are released (its reference removed), and
 * orphans it matches are adopted (a controller reference added), unless the owner or the orphan is being
 * deleted. Patches carry the object's uid, so a recreated object of the same name is never touched.
 */
public final class Adoption {
    private Adoption() {
    }

    /**
     * @param candidates objects of the owner's namespace, as an informer holds them
     * @param matches    whether the owner wants an object (its selector, and for StatefulSets its name)
     * @return the objects the owner controls now, adopted ones as the API returned them
     */
    public static List<ObjectNode> claim(ResourceClient client, JsonNode owner, Collection<ObjectNode> candidates,
                                         Predicate<JsonNode> matches) {
        String uid = Owners.uid(owner);
        String namespace = owner.path("metadata").path("namespace").asText("");
        List<ObjectNode> owned = new ArrayList<>();
        for (ObjectNode o : candidates) {
            var ref = Owners.controllerOf(o);
            String name = o.path("metadata").path("name").asText();
            if (ref.isPresent()) {
                if (!ref.get().path("uid").asText().equals(uid)) continue;
                if (matches.test(o)) {
                    owned.add(o);
                } else if (!Owners.isBeingDeleted(o)) {
                    ArrayNode refs = Json.object().arrayNode();
                    for (JsonNode r : o.path("metadata").path("ownerReferences")) if (!r.path("uid").asText().equals(uid)) refs.add(r);
                    ignoreGone(() -> client.patch(namespace, name, Owners.uid(o), PatchType.MERGE, Owners.ownerReferencesPatch(refs), false));
                }
            } else if (matches.test(o) && !Owners.isBeingDeleted(owner) && !Owners.isBeingDeleted(o)) {
                ArrayNode refs = Json.object().arrayNode();
                o.path("metadata").path("ownerReferences").forEach(refs::add);
                refs.add(Owners.controllerRef(owner));
                ObjectNode adopted = ignoreGone(() -> client.patch(namespace, name, Owners.uid(o), PatchType.MERGE,
                        Owners.ownerReferencesPatch(refs), false));
                if (adopted != null) owned.add(adopted);
            }
        }
        return owned;
    }

    private static ObjectNode ignoreGone(java.util.function.Supplier<ObjectNode> write) {
        try {
            return write.get();
        } catch (ApiException e) {
            // gone, or recreated with another uid (the precondition fails with 409): not ours to claim
            if (e.code() == 404 || e.code() == 409) return null;
            throw e;
        }
    }
}
