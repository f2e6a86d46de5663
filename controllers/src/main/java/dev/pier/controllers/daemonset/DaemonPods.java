package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.history.ControllerHistory;
import dev.pier.controllers.runtime.Owners;

import java.util.Comparator;
import java.util.List;

/**
 * Daemon pods as the DaemonSet controller builds and reads them: the template with the tolerations every
 * daemon pod gets and the labels that tie it to a revision, the node a pod is meant for, and whether a pod
 * runs the current template.
 */
final class DaemonPods {
    /** The DaemonSet annotation counting its template changes, kept by the API server. */
    static final String TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";
    /** The pod label that carries that count, as Kubernetes' DaemonSet controller still writes it. */
    static final String TEMPLATE_GENERATION_LABEL = "pod-template-generation";

    /**
     * Daemon pods must survive what would evict or keep out other pods: a node that stops answering, runs
     * short of disk, memory or pids, or is cordoned (Kubernetes' AddOrUpdateDaemonPodTolerations).
     */
    private static final List<String[]> TOLERATIONS = List.of(
            new String[]{"node.kubernetes.io/not-ready", "NoExecute"},
            new String[]{"node.kubernetes.io/unreachable", "NoExecute"},
            new String[]{"node.kubernetes.io/disk-pressure", "NoSchedule"},
            new String[]{"node.kubernetes.io/memory-pressure", "NoSchedule"},
            new String[]{"node.kubernetes.io/pid-pressure", "NoSchedule"},
            new String[]{"node.kubernetes.io/unschedulable", "NoSchedule"});
    /** Only pods on the host's network need to start on a node whose pod network is not up yet. */
    private static final String[] NETWORK_UNAVAILABLE = {"node.kubernetes.io/network-unavailable", "NoSchedule"};

    /** Scheduled before unscheduled, then oldest first, then by name (Kubernetes' podByCreationTimestampAndPhase). */
    static final Comparator<JsonNode> OLDEST_SCHEDULED_FIRST = Comparator
            .comparing((JsonNode p) -> p.path("spec").path("nodeName").asText("").isEmpty())
            .thenComparing(p -> p.path("metadata").path("creationTimestamp").asText(""))
            .thenComparing(p -> p.path("metadata").path("name").asText());

    private DaemonPods() {
    }

    /** The DaemonSet's template as its pods get it: daemon tolerations added, revision and generation labels set. */
    static ObjectNode template(JsonNode ds, String hash) {
        ObjectNode template = ds.path("spec").path("template").deepCopy();
        addTolerations(template.withObject("spec"));
        ObjectNode labels = template.withObject("metadata").withObject("labels");
        String generation = templateGeneration(ds);
        if (generation != null) labels.put(TEMPLATE_GENERATION_LABEL, generation);
        if (!hash.isEmpty()) labels.put(ControllerHistory.HASH_LABEL, hash);
        return template;
    }

    /** Adds each daemon toleration unless the spec already has one with the same key, operator, value and effect. */
    static void addTolerations(ObjectNode spec) {
        for (String[] t : TOLERATIONS) addToleration(spec, t[0], t[1]);
        if (spec.path("hostNetwork").asBoolean(false)) addToleration(spec, NETWORK_UNAVAILABLE[0], NETWORK_UNAVAILABLE[1]);
    }

    private static void addToleration(ObjectNode spec, String key, String effect) {
        ObjectNode wanted = Json.object().put("key", key).put("operator", "Exists").put("effect", effect);
        ArrayNode list = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            boolean same = t.path("key").asText("").equals(key) && t.path("operator").asText("Equal").equals("Exists")
                    && t.path("value").asText("").isEmpty() && t.path("effect").asText("").equals(effect);
            if (same) {
                list.set(i, wanted); // an Exists toleration with a time limit becomes an unlimited one
                return;
            }
        }
        list.add(wanted);
    }

    /**
     * A pod for one node: the template, owned by the DaemonSet, with its required node affinity replaced by
     * one term that matches only that node's name. The default scheduler then binds it there, honouring
     * the node's resources, as Kubernetes' DaemonSet controller has done since 1.12.
     */
    static ObjectNode podFor(JsonNode ds, ObjectNode template, String node) {
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", ds.path("metadata").path("name").asText() + "-");
        JsonNode tm = template.path("metadata");
        for (String field : List.of("labels", "annotations", "finalizers")) {
            if (tm.has(field)) meta.set(field, tm.get(field).deepCopy());
        }
        meta.putArray("ownerReferences").add(Owners.controllerRef(ds));
        ObjectNode spec = template.path("spec").deepCopy();
        ObjectNode required = spec.withObject("affinity").withObject("nodeAffinity").withObject("requiredDuringSchedulingIgnoredDuringExecution");
        ObjectNode field = required.putArray("nodeSelectorTerms").addObject().putArray("matchFields").addObject();
        field.put("key", "metadata.name").put("operator", "In").putArray("values").add(node);
        pod.set("spec", spec);
        return pod;
    }

    /** The node a daemon pod runs on or is meant for: its nodeName, or the node its affinity names; null if neither. */
    static String targetNode(JsonNode pod) {
        String bound = pod.path("spec").path("nodeName").asText("");
        if (!bound.isEmpty()) return bound;
        JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
        for (JsonNode term : terms) {
            for (JsonNode f : term.path("matchFields")) {
                if (f.path("key").asText().equals("metadata.name") && f.path("operator").asText().equals("In")) {
                    return f.path("values").size() == 1 ? f.path("values").get(0).asText() : null;
                }
            }
        }
        return null;
    }

    /** Whether a pod runs the current template: its revision hash matches, or its template generation does. */
    static boolean isUpdated(JsonNode pod, String hash, String templateGeneration) {
        JsonNode labels = pod.path("metadata").path("labels");
        boolean hashMatches = !hash.isEmpty() && labels.path(ControllerHistory.HASH_LABEL).asText().equals(hash);
        boolean generationMatches = templateGeneration != null
                && labels.path(TEMPLATE_GENERATION_LABEL).asText().equals(templateGeneration);
        return hashMatches || generationMatches;
    }

    /** The DaemonSet's template generation; null when the annotation is missing. */
    static String templateGeneration(JsonNode ds) {
        JsonNode g = ds.path("metadata").path("annotations").get(TEMPLATE_GENERATION_ANNOTATION);
        return g == null || g.asText().isEmpty() ? null : g.asText();
    }
}
