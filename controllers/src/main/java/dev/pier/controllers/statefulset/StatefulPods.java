package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.history.ControllerHistory;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * StatefulSet pods as the controller builds and judges them: a pod for an ordinal from a template revision,
 * with its identity (name, {@code statefulset.kubernetes.io/pod-name} and {@code apps.kubernetes.io/pod-index}
 * labels, hostname and the serviceName subdomain) and its storage (one volume per claim template, bound to
 * that ordinal's claim), and the states the ordering rules wait for.
 */
final class StatefulPods {
    static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

    private StatefulPods() {
    }

    /**
     * A new pod for {@code ordinal}, from {@code set} as it is at the given revision (its template replaced
     * by the revision's), labelled with that revision's name.
     */
    static ObjectNode build(JsonNode set, int ordinal, String revisionName) {
        JsonNode template = set.path("spec").path("template");
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("name", Ordinals.podName(set, ordinal));
        meta.put("namespace", set.path("metadata").path("namespace").asText());
        JsonNode tm = template.path("metadata");
        for (String field : List.of("labels", "annotations", "finalizers")) {
            if (tm.has(field)) meta.set(field, tm.get(field).deepCopy());
        }
        meta.putArray("ownerReferences").add(Owners.controllerRef(set));
        ObjectNode spec = template.path("spec").deepCopy();
        pod.set("spec", spec);
        setIdentity(set, pod);
        spec.put("hostname", meta.path("name").asText());
        String service = set.path("spec").path("serviceName").asText("");
        if (!service.isEmpty()) spec.put("subdomain", service);
        setStorage(set, pod, ordinal);
        meta.withObject("labels").put(ControllerHistory.HASH_LABEL, revisionName);
        return pod;
    }

    /** The identity labels a pod of this ordinal carries. */
    static void setIdentity(JsonNode set, ObjectNode pod) {
        ObjectNode labels = pod.withObject("metadata").withObject("labels");
        String name = pod.path("metadata").path("name").asText();
        labels.put(POD_NAME_LABEL, name);
        labels.put(POD_INDEX_LABEL, Integer.toString(Ordinals.of(name)));
    }

    /** One volume per claim template, first, then the template's own volumes that a claim does not replace. */
    private static void setStorage(JsonNode set, ObjectNode pod, int ordinal) {
        Map<String, ObjectNode> claimVolumes = new LinkedHashMap<>();
        for (JsonNode claim : set.path("spec").path("volumeClaimTemplates")) {
            String name = claim.path("metadata").path("name").asText();
            ObjectNode volume = Json.object().put("name", name);
            volume.putObject("persistentVolumeClaim").put("claimName", Ordinals.claimName(set, name, ordinal));
            claimVolumes.put(name, volume);
        }
        if (claimVolumes.isEmpty()) return;
        ObjectNode spec = pod.withObject("spec");
        ArrayNode volumes = Json.object().arrayNode();
        claimVolumes.values().forEach(volumes::add);
        for (JsonNode v : spec.path("volumes")) if (!claimVolumes.containsKey(v.path("name").asText())) volumes.add(v);
        spec.set("volumes", volumes);
    }

    /** Kubernetes' identityMatches: the name fits the set and ordinal, and the identity labels are there. */
    static boolean identityMatches(JsonNode set, JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        String name = meta.path("name").asText();
        int ordinal = Ordinals.of(name);
        JsonNode labels = meta.path("labels");
        return ordinal >= 0 && Ordinals.isMember(set, pod)
                && meta.path("namespace").asText().equals(set.path("metadata").path("namespace").asText())
                && labels.path(POD_NAME_LABEL).asText().equals(name)
                && labels.path(POD_INDEX_LABEL).asText().equals(Integer.toString(ordinal));
    }

    /** Kubernetes' storageMatches: every claim template has its volume, bound to this ordinal's claim. */
    static boolean storageMatches(JsonNode set, JsonNode pod) {
        int ordinal = Ordinals.of(pod.path("metadata").path("name").asText());
        if (ordinal < 0) return false;
        Map<String, String> claimOf = new LinkedHashMap<>();
        for (JsonNode v : pod.path("spec").path("volumes")) {
            claimOf.put(v.path("name").asText(), v.path("persistentVolumeClaim").path("claimName").asText(null));
        }
        for (JsonNode claim : set.path("spec").path("volumeClaimTemplates")) {
            String name = claim.path("metadata").path("name").asText();
            if (!Ordinals.claimName(set, name, ordinal).equals(claimOf.get(name))) return false;
        }
        return true;
    }

    /** The claims a pod of this ordinal uses, built from the claim templates (labels joined by the selector's). */
    static List<ObjectNode> claims(JsonNode set, int ordinal) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode matchLabels = set.path("spec").path("selector").path("matchLabels");
        for (JsonNode template : set.path("spec").path("volumeClaimTemplates")) {
            ObjectNode claim = Json.object();
            claim.put("apiVersion", "v1");
            claim.put("kind", "PersistentVolumeClaim");
            ObjectNode meta = template.path("metadata").deepCopy();
            meta.remove(List.of("creationTimestamp", "resourceVersion", "uid", "generateName"));
            meta.put("name", Ordinals.claimName(set, template.path("metadata").path("name").asText(), ordinal));
            meta.put("namespace", set.path("metadata").path("namespace").asText());
            ObjectNode labels = meta.withObject("labels");
            matchLabels.properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
            if (labels.isEmpty()) meta.remove("labels");
            claim.set("metadata", meta);
            claim.set("spec", template.path("spec").deepCopy());
            out.add(claim);
        }
        return out;
    }

    // ------------------------------------------------------------------ states

    static String revision(JsonNode pod) {
        return pod.path("metadata").path("labels").path(ControllerHistory.HASH_LABEL).asText("");
    }

    static boolean isTerminating(JsonNode pod) {
        return Owners.isBeingDeleted(pod);
    }

    static boolean isRunningAndReady(JsonNode pod) {
        return Pods.phase(pod).equals("Running") && Pods.isReady(pod);
    }

    static boolean isRunningAndAvailable(JsonNode pod, long minReadySeconds, Instant now) {
        return Pods.phase(pod).equals("Running") && Pods.isAvailable(pod, minReadySeconds, now);
    }

    /** Running, ready for minReadySeconds and not terminating: what the ordering rules wait for. */
    static boolean isHealthy(JsonNode pod, long minReadySeconds, Instant now) {
        return isRunningAndAvailable(pod, minReadySeconds, now) && !isTerminating(pod);
    }

    static boolean isFinished(JsonNode pod) {
        String phase = Pods.phase(pod);
        return phase.equals("Failed") || phase.equals("Succeeded");
    }

    /** The names of revisions pods still run, which history truncation must keep. */
    static Set<String> liveRevisions(List<? extends JsonNode> pods) {
        Set<String> out = new HashSet<>();
        for (JsonNode pod : pods) out.add(revision(pod));
        return out;
    }
}
