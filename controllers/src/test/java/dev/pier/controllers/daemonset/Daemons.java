package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.history.ControllerHistory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** DaemonSets, nodes and daemon pods as informers would hold them, for the unit tests. */
final class Daemons {
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    private Daemons() {
    }

    static ObjectNode ds() {
        ObjectNode ds = Json.object();
        ds.put("apiVersion", "apps/v1").put("kind", "DaemonSet");
        ds.putObject("metadata").put("name", "agent").put("namespace", "default").put("uid", "ds-uid").put("generation", 1)
                .putObject("annotations").put("deprecated.daemonset.template.generation", "1");
        ObjectNode spec = ds.putObject("spec");
        spec.putObject("selector").putObject("matchLabels").put("app", "agent");
        spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxUnavailable", 1).put("maxSurge", 0);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", "agent");
        template.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "busybox");
        return ds;
    }

    static ObjectNode node(String name, Map<String, String> labels, String... taints) {
        ObjectNode node = Json.object();
        ObjectNode l = node.putObject("metadata").put("name", name).putObject("labels");
        labels.forEach(l::put);
        var t = node.putObject("spec").putArray("taints");
        for (String taint : taints) {
            String[] kv = taint.split("[=:]");
            t.addObject().put("key", kv[0]).put("value", kv[1]).put("effect", kv[2]);
        }
        return node;
    }

    /** A daemon pod on a node at a revision hash, running and ready (for a minute) or not. */
    static ObjectNode pod(String name, String node, String hash, boolean ready) {
        ObjectNode pod = DaemonPods.podFor(ds(), DaemonPods.template(ds(), hash), node);
        pod.withObject("/metadata").put("name", name).put("uid", name).put("creationTimestamp", "2025-01-01T11:00:00Z");
        pod.withObject("/metadata/labels").put(ControllerHistory.HASH_LABEL, hash).remove(DaemonPods.TEMPLATE_GENERATION_LABEL);
        pod.withObject("/spec").put("nodeName", node);
        ObjectNode status = pod.putObject("status").put("phase", ready ? "Running" : "Pending");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False")
                .put("lastTransitionTime", NOW.minusSeconds(60).toString());
        return pod;
    }

    static ObjectNode deleting(ObjectNode pod) {
        pod.withObject("/metadata").put("deletionTimestamp", NOW.toString());
        return pod;
    }

    static NodePods on(String node, NodeEligibility.Verdict verdict, ObjectNode... pods) {
        return new NodePods(node, verdict, List.of(pods));
    }
}
