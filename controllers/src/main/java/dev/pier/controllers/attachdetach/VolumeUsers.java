package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pods that need a PersistentVolume attached, by node: scheduled, not finished pods that mount the claim
 * the volume is bound to. Pods being deleted still count, because their node uses the volume until their
 * containers have stopped and the kubelet removes them.
 */
final class VolumeUsers {
    private final Informer pods;
    private final Informer claims;

    VolumeUsers(Informer pods, Informer claims) {
        this.pods = pods;
        this.claims = claims;
    }

    /**
     * Node name → the pods there that need {@code pv}, nodes and pods sorted by name. Empty unless the PV and
     * its claim are bound to each other, as Kubernetes requires before it attaches anything.
     */
    Map<String, List<ObjectNode>> byNode(String cell, JsonNode pv) {
        JsonNode ref = pv.path("spec").path("claimRef");
        String namespace = ref.path("namespace").asText("");
        String claimName = ref.path("name").asText("");
        if (namespace.isEmpty() || claimName.isEmpty()) return Map.of();
        ObjectNode claim = claims.get(new ObjectKey(cell, namespace, claimName)).orElse(null);
        if (claim == null || !isBoundTo(claim, pv)) return Map.of();

        Map<String, List<ObjectNode>> out = new TreeMap<>();
        for (ObjectNode pod : pods.list(cell, namespace)) {
            if (needsVolumes(pod) && Pods.claimNames(pod).contains(claimName)) {
                out.computeIfAbsent(pod.path("spec").path("nodeName").asText(), n -> new ArrayList<>()).add(pod);
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(p -> p.path("metadata").path("name").asText())));
        return out;
    }

    /** The PersistentVolumes the pod's claims are bound to (as far as the claims say), for requeues. */
    Set<String> boundVolumes(String cell, JsonNode pod) {
        Set<String> out = new LinkedHashSet<>();
        String namespace = pod.path("metadata").path("namespace").asText();
        for (String claimName : Pods.claimNames(pod)) {
            claims.get(new ObjectKey(cell, namespace, claimName))
                    .map(c -> c.path("spec").path("volumeName").asText(""))
                    .filter(v -> !v.isEmpty())
                    .ifPresent(out::add);
        }
        return out;
    }

    /** On a node and not finished: its node has (or is about to have) the pod's volumes in use. */
    static boolean needsVolumes(JsonNode pod) {
        if (pod.path("spec").path("nodeName").asText("").isEmpty()) return false;
        String phase = Pods.phase(pod);
        return !phase.equals("Succeeded") && !phase.equals("Failed");
    }


    private static boolean isBoundTo(JsonNode claim, JsonNode pv) {
        if (!claim.path("spec").path("volumeName").asText().equals(pv.path("metadata").path("name").asText())) return false;
        if (!claim.path("status").path("phase").asText().equals("Bound")) return false;
        String refUid = pv.path("spec").path("claimRef").path("uid").asText("");
        return refUid.isEmpty() || refUid.equals(Owners.uid(claim));
    }
}
