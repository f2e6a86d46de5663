package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;

import java.time.Instant;

/** StatefulSets and their pods as the controller's informers would hold them, for the unit tests. */
final class Sets {
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    private Sets() {
    }

    static ObjectNode set(int replicas, String policy) {
        ObjectNode set = Json.object();
        set.put("apiVersion", "apps/v1").put("kind", "StatefulSet");
        set.putObject("metadata").put("name", "web").put("namespace", "default").put("uid", "set-uid").put("generation", 1);
        ObjectNode spec = set.putObject("spec");
        spec.put("replicas", replicas).put("podManagementPolicy", policy).put("serviceName", "web");
        spec.putObject("selector").putObject("matchLabels").put("app", "web");
        spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("partition", 0);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", "web");
        template.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
        return set;
    }

    static ObjectNode partition(ObjectNode set, int partition) {
        set.withObject("/spec/updateStrategy/rollingUpdate").put("partition", partition);
        return set;
    }

    /** A created pod of the set at a revision, in a phase, ready or not. */
    static ObjectNode pod(int ordinal, String revision, String phase, boolean ready) {
        ObjectNode pod = StatefulPods.build(set(1, "OrderedReady"), ordinal, revision);
        pod.withObject("/metadata").put("uid", "pod-" + ordinal + "-" + revision);
        ObjectNode status = pod.putObject("status");
        status.put("phase", phase);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False")
                .put("lastTransitionTime", NOW.minusSeconds(60).toString());
        return pod;
    }

    static ObjectNode running(int ordinal, String revision) {
        return pod(ordinal, revision, "Running", true);
    }

    static ObjectNode terminating(ObjectNode pod) {
        pod.withObject("/metadata").put("deletionTimestamp", NOW.toString());
        return pod;
    }
}
