package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pier.controllers.runtime.Owners;

/**
 * Who owns a StatefulSet pod's claims under {@code persistentVolumeClaimRetentionPolicy} (Kubernetes 1.32,
 * where the policy is stable): with {@code whenDeleted: Delete} the set controls claims of pods in range,
 * so deleting the set deletes them; with {@code whenScaled: Delete} the pod controls the claims of a pod
 * scaled away, so they go with it; Retain (the default for both) leaves claims without owners. Claims
 * that another controller holds, or that still point at an earlier set or pod of the same name, are left
 * alone for the garbage collector.
 */
final class ClaimRetention {
    private ClaimRetention() {
    }

    static boolean deleteWhenScaled(JsonNode set) {
        return set.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenScaled").asText("Retain").equals("Delete");
    }

    static boolean deleteWhenDeleted(JsonNode set) {
        return set.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenDeleted").asText("Retain").equals("Delete");
    }

    /** Kubernetes' isClaimOwnerUpToDate. */
    static boolean upToDate(JsonNode claim, JsonNode set, JsonNode pod) {
        if (hasStaleRef(claim, set, "apps/v1", "StatefulSet") || hasStaleRef(claim, pod, "v1", "Pod")) return true;
        boolean setRef = hasRef(claim, Owners.uid(set));
        boolean podRef = hasRef(claim, Owners.uid(pod));
        if (unexpectedController(claim, set, pod)) return !setRef && !podRef;
        for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
            String uid = ref.path("uid").asText();
            boolean ours = uid.equals(Owners.uid(set)) || !Owners.uid(pod).isEmpty() && uid.equals(Owners.uid(pod));
            if (ours && !ref.path("controller").asBoolean(false)) return false;
        }
        boolean scaledDown = !Ordinals.inRange(set, Ordinals.of(pod.path("metadata").path("name").asText()));
        return setRef == wantsSetRef(set, scaledDown) && podRef == wantsPodRef(set, scaledDown);
    }

    /**
     * The owner references a claim should have (Kubernetes' updateClaimOwnerRefForSetAndPod): the set's and
     * pod's references scrubbed, then added back as controller references as the policy says.
     */
    static ArrayNode ownerReferences(JsonNode claim, JsonNode set, JsonNode pod) {
        boolean unexpected = unexpectedController(claim, set, pod);
        ArrayNode refs = JsonNodeFactory.instance.arrayNode();
        for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
            if (!matches(ref, set, "apps/v1", "StatefulSet") && !matches(ref, pod, "v1", "Pod")) refs.add(ref);
        }
        if (unexpected) return refs;
        boolean scaledDown = !Ordinals.inRange(set, Ordinals.of(pod.path("metadata").path("name").asText()));
        if (wantsPodRef(set, scaledDown)) refs.add(controllerRef(pod, "v1", "Pod"));
        if (wantsSetRef(set, scaledDown)) refs.add(controllerRef(set, "apps/v1", "StatefulSet"));
        return refs;
    }

    private static boolean wantsSetRef(JsonNode set, boolean scaledDown) {
        return deleteWhenDeleted(set) && !(scaledDown && deleteWhenScaled(set));
    }

    private static boolean wantsPodRef(JsonNode set, boolean scaledDown) {
        return deleteWhenScaled(set) && scaledDown;
    }

    /** A claim of a pod that does not exist yet is stale when it still points at an earlier pod of that name. */
    static boolean staleForNewPod(JsonNode claim, String podName) {
        for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
            if (ref.path("kind").asText().equals("Pod") && ref.path("apiVersion").asText().equals("v1")
                    && ref.path("name").asText().equals(podName)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unexpectedController(JsonNode claim, JsonNode set, JsonNode pod) {
        if (!deleteWhenDeleted(set) && !deleteWhenScaled(set)) return false; // with Retain, others may manage claims
        for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
            if (matches(ref, set, "apps/v1", "StatefulSet")) {
                if (!ref.path("uid").asText().equals(Owners.uid(set))) return true;
            } else if (matches(ref, pod, "v1", "Pod")) {
                if (!ref.path("uid").asText().equals(Owners.uid(pod))) return true;
            } else if (ref.path("controller").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasRef(JsonNode claim, String uid) {
        if (uid.isEmpty()) return false;
        for (JsonNode ref : claim.path("metadata").path("ownerReferences")) if (ref.path("uid").asText().equals(uid)) return true;
        return false;
    }

    private static boolean hasStaleRef(JsonNode claim, JsonNode owner, String apiVersion, String kind) {
        for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
            if (matches(ref, owner, apiVersion, kind)) return !ref.path("uid").asText().equals(Owners.uid(owner));
        }
        return false;
    }

    private static boolean matches(JsonNode ref, JsonNode owner, String apiVersion, String kind) {
        return ref.path("apiVersion").asText().equals(apiVersion) && ref.path("kind").asText().equals(kind)
                && ref.path("name").asText().equals(owner.path("metadata").path("name").asText());
    }

    private static JsonNode controllerRef(JsonNode owner, String apiVersion, String kind) {
        return JsonNodeFactory.instance.objectNode()
                .put("apiVersion", apiVersion).put("kind", kind)
                .put("name", owner.path("metadata").path("name").asText()).put("uid", Owners.uid(owner))
                .put("controller", true).put("blockOwnerDeletion", true);
    }
}
