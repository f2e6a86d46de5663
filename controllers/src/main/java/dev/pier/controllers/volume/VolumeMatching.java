package dev.pier.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.apiserver.resources.Quantity;
import dev.pier.apiserver.resources.Tree;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which PersistentVolume a claim may bind to, as Kubernetes' PV controller decides: a volume pre-bound to
 * the claim wins; otherwise the smallest free volume of the claim's class whose access modes, volume mode,
 * capacity and labels satisfy the claim.
 */
final class VolumeMatching {
    private VolumeMatching() {
    }

    static Optional<JsonNode> bestFor(JsonNode claim, Collection<? extends JsonNode> volumes) {
        Optional<? extends JsonNode> preBound = volumes.stream().filter(pv -> isPreBoundTo(pv, claim) && !beingDeleted(pv)).findFirst();
        if (preBound.isPresent()) return Optional.of(preBound.get());
        return volumes.stream()
                .filter(pv -> isFree(pv) && satisfies(pv, claim))
                .min(Comparator.comparing(VolumeMatching::capacity))
                .map(pv -> pv);
    }

    /** A volume whose claimRef names this claim (and its uid, when the ref has one). */
    static boolean isPreBoundTo(JsonNode pv, JsonNode claim) {
        JsonNode ref = pv.path("spec").path("claimRef");
        if (!ref.isObject()) return false;
        JsonNode meta = claim.path("metadata");
        String uid = Tree.text(ref, "uid");
        return Tree.text(ref, "namespace").equals(Tree.text(meta, "namespace"))
                && Tree.text(ref, "name").equals(Tree.text(meta, "name"))
                && (uid.isEmpty() || uid.equals(Tree.text(meta, "uid")));
    }

    private static boolean isFree(JsonNode pv) {
        return !pv.path("spec").path("claimRef").isObject() && !beingDeleted(pv)
                && !Tree.text(pv.path("status"), "phase").equals("Released") && !Tree.text(pv.path("status"), "phase").equals("Failed");
    }

    static boolean beingDeleted(JsonNode object) {
        return object.path("metadata").hasNonNull("deletionTimestamp");
    }

    static boolean satisfies(JsonNode pv, JsonNode claim) {
        JsonNode spec = claim.path("spec");
        JsonNode pvSpec = pv.path("spec");
        if (!Tree.text(pvSpec, "storageClassName").equals(Tree.text(spec, "storageClassName"))) return false;
        if (!pvSpec.path("volumeMode").asText("Filesystem").equals(spec.path("volumeMode").asText("Filesystem"))) return false;
        if (!modes(pvSpec).containsAll(modes(spec))) return false;
        JsonNode selector = spec.get("selector");
        if (selector != null && !LabelSelectors.isEmpty(selector) && !LabelSelectors.matches(selector, pv.path("metadata").path("labels"))) {
            return false;
        }
        return capacity(pv).compareTo(requested(claim)) >= 0;
    }

    private static Set<String> modes(JsonNode spec) {
        Set<String> out = new HashSet<>();
        spec.path("accessModes").forEach(m -> out.add(m.asText()));
        return out;
    }

    static Quantity capacity(JsonNode pv) {
        return quantity(pv.path("spec").path("capacity").get("storage"));
    }

    static Quantity requested(JsonNode claim) {
        return quantity(claim.path("spec").path("resources").path("requests").get("storage"));
    }

    private static Quantity quantity(JsonNode q) {
        try {
            return q == null ? Quantity.ZERO : Quantity.of(q);
        } catch (IllegalArgumentException e) {
            return Quantity.ZERO;
        }
    }
}
