package dev.pier.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.runtime.Owners;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** ReplicaSets as a Deployment sees them: revisions, template hashes, and the new ReplicaSet of a template. */
final class ReplicaSets {
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    static final String HASH_LABEL = "pod-template-hash";
    /** Deployment annotations that stay on the Deployment and are not copied to its ReplicaSets. */
    private static final Set<String> NOT_COPIED = Set.of(REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
            "kubectl.kubernetes.io/last-applied-configuration", "deprecated.deployment.rollback.to");
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    static final Comparator<JsonNode> OLDEST_FIRST = Comparator
            .comparing((JsonNode rs) -> rs.path("metadata").path("creationTimestamp").asText(""))
            .thenComparing(rs -> rs.path("metadata").path("name").asText());

    private ReplicaSets() {
    }

    static long revision(JsonNode rs) {
        try {
            return Long.parseLong(rs.path("metadata").path("annotations").path(REVISION).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int specReplicas(JsonNode rs) {
        return rs.path("spec").path("replicas").asInt(0);
    }

    static int status(JsonNode rs, String field) {
        return rs.path("status").path(field).asInt(0);
    }

    /** Whether the ReplicaSet runs the deployment's template (its pod-template-hash label aside). */
    static boolean runsTemplate(JsonNode rs, JsonNode deployment) {
        ObjectNode template = rs.path("spec").path("template").deepCopy();
        JsonNode labels = template.path("metadata").path("labels");
        if (labels instanceof ObjectNode l) {
            l.remove(HASH_LABEL);
            if (l.isEmpty()) ((ObjectNode) template.path("metadata")).remove("labels");
        }
        return template.equals(deployment.path("spec").path("template"));
    }

    /** The new ReplicaSet among those owned: the oldest one running the template. */
    static JsonNode findNew(JsonNode deployment, List<? extends JsonNode> owned) {
        return owned.stream().filter(rs -> runsTemplate(rs, deployment)).min(OLDEST_FIRST).orElse(null);
    }

    /**
     * The pod-template-hash of a template: a 32-bit FNV-1a hash of its canonical JSON (keys sorted), mixed
     * with the collision count, written with the consonant-and-digit alphabet Kubernetes uses for names.
     */
    static String templateHash(JsonNode template, int collisionCount) {
        byte[] bytes = Json.bytes(canonical(template));
        int hash = 0x811c9dc5;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        if (collisionCount > 0) {
            for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.US_ASCII)) {
                hash ^= b & 0xff;
                hash *= 0x01000193;
            }
        }
        String digits = Long.toString(Integer.toUnsignedLong(hash));
        StringBuilder sb = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) sb.append(ALPHABET.charAt((c - '0') % ALPHABET.length()));
        return sb.toString();
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            ObjectNode o = Json.object();
            sorted.forEach(o::set);
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = Json.object().arrayNode();
            node.forEach(n -> a.add(canonical(n)));
            return a;
        }
        return node;
    }

    /** A new ReplicaSet for the deployment's template, owned by it. */
    static ObjectNode build(JsonNode deployment, String hash, int replicas, long revision, int maxSurge) {
        JsonNode dMeta = deployment.path("metadata");
        ObjectNode rs = Json.object();
        rs.put("apiVersion", "apps/v1");
        rs.put("kind", "ReplicaSet");
        ObjectNode meta = rs.putObject("metadata");
        meta.put("name", dMeta.path("name").asText() + "-" + hash);
        meta.put("namespace", dMeta.path("namespace").asText());
        ObjectNode template = deployment.path("spec").path("template").deepCopy();
        template.withObject("metadata").withObject("labels").put(HASH_LABEL, hash);
        meta.set("labels", template.path("metadata").path("labels").deepCopy());
        ObjectNode annotations = meta.putObject("annotations");
        copyAnnotations(deployment, annotations);
        annotations.put(REVISION, Long.toString(revision));
        annotations.put(DESIRED_REPLICAS, Integer.toString(RolloutMath.replicas(deployment)));
        annotations.put(MAX_REPLICAS, Integer.toString(RolloutMath.replicas(deployment) + maxSurge));
        meta.putArray("ownerReferences").add(Owners.controllerRef(deployment));
        ObjectNode spec = rs.putObject("spec");
        spec.put("replicas", replicas);
        spec.put("minReadySeconds", deployment.path("spec").path("minReadySeconds").asInt(0));
        ObjectNode selector = deployment.path("spec").path("selector").deepCopy();
        selector.withObject("matchLabels").put(HASH_LABEL, hash);
        spec.set("selector", selector);
        spec.set("template", template);
        return rs;
    }

    /** Copies the deployment's own annotations (change-cause and the like) onto a ReplicaSet's. */
    static void copyAnnotations(JsonNode deployment, ObjectNode annotations) {
        deployment.path("metadata").path("annotations").properties().forEach(e -> {
            if (!NOT_COPIED.contains(e.getKey())) annotations.set(e.getKey(), e.getValue());
        });
    }

    static List<JsonNode> withReplicas(List<? extends JsonNode> sets) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rs : sets) if (specReplicas(rs) > 0) out.add(rs);
        return out;
    }
}
