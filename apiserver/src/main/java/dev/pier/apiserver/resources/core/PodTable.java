package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Tree;
import dev.pier.apiserver.table.Ages;
import dev.pier.apiserver.table.TableConvertor;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of {@code kubectl get pods}, computed as Kubernetes' pod printer computes them: READY counts
 * running ready containers (and started restartable init containers, i.e. sidecars), STATUS is the most
 * telling reason (an init container's state, a container's waiting or terminated reason, Terminating),
 * RESTARTS adds when the last restart happened.
 */
public final class PodTable {
    public static final TableConvertor TABLE = TableConvertor.builder()
            .column("Ready", o -> summary(o).ready)
            .column("Status", o -> summary(o).status)
            .column("Restarts", o -> summary(o).restarts)
            .age()
            .wide("IP", o -> orNone(firstPodIp(o)))
            .wide("Node", o -> orNone(Tree.text(o.path("spec"), "nodeName")))
            .wide("Nominated Node", o -> orNone(Tree.text(o.path("status"), "nominatedNodeName")))
            .wide("Readiness Gates", PodTable::readinessGates)
            .build();

    private PodTable() {
    }

    /** The three computed cells of one pod. */
    record Summary(String ready, String status, String restarts) {
    }

    static Summary summary(ObjectNode pod) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = Tree.text(status, "phase");
        String reason = Tree.text(status, "reason").isEmpty() ? phase : Tree.text(status, "reason");
        if (reason.isEmpty()) reason = "Pending"; // a pod nobody has reported on yet
        for (JsonNode c : Tree.items(status, "conditions")) {
            if (Tree.text(c, "type").equals("PodScheduled") && Tree.text(c, "reason").equals("SchedulingGated")) reason = "SchedulingGated";
        }
        Map<String, Boolean> sidecars = new HashMap<>();
        List<JsonNode> initSpecs = Tree.items(spec, "initContainers");
        int total = Tree.items(spec, "containers").size();
        for (JsonNode c : initSpecs) {
            boolean sidecar = Tree.text(c, "restartPolicy").equals("Always");
            sidecars.put(Tree.text(c, "name"), sidecar);
            if (sidecar) total++;
        }
        int ready = 0;
        int restarts = 0;
        int sidecarRestarts = 0;
        Instant lastRestart = null;
        Instant lastSidecarRestart = null;
        boolean initializing = false;
        List<JsonNode> initStatuses = Tree.items(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode c = initStatuses.get(i);
            int count = (int) Tree.number(c, "restartCount", 0);
            restarts += count;
            Instant finished = lastTerminated(c);
            lastRestart = later(lastRestart, finished);
            boolean sidecar = sidecars.getOrDefault(Tree.text(c, "name"), false);
            if (sidecar) {
                sidecarRestarts += count;
                lastSidecarRestart = later(lastSidecarRestart, finished);
            }
            JsonNode terminated = c.path("state").path("terminated");
            JsonNode waiting = c.path("state").path("waiting");
            if (terminated.isObject() && Tree.number(terminated, "exitCode", 0) == 0) continue;
            if (sidecar && Tree.bool(c, "started")) {
                if (Tree.bool(c, "ready")) ready++;
                continue;
            }
            if (terminated.isObject()) {
                String r = Tree.text(terminated, "reason");
                if (!r.isEmpty()) reason = "Init:" + r;
                else if (Tree.number(terminated, "signal", 0) != 0) reason = "Init:Signal:" + Tree.number(terminated, "signal", 0);
                else reason = "Init:ExitCode:" + Tree.number(terminated, "exitCode", 0);
            } else if (waiting.isObject() && !Tree.text(waiting, "reason").isEmpty()
                    && !Tree.text(waiting, "reason").equals("PodInitializing")) {
                reason = "Init:" + Tree.text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
            }
            initializing = true;
            break;
        }
        if (!initializing || conditionTrue(status, "Initialized")) {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = Tree.items(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode c = statuses.get(i);
                restarts += (int) Tree.number(c, "restartCount", 0);
                lastRestart = later(lastRestart, lastTerminated(c));
                JsonNode waiting = c.path("state").path("waiting");
                JsonNode terminated = c.path("state").path("terminated");
                if (waiting.isObject() && !Tree.text(waiting, "reason").isEmpty()) {
                    reason = Tree.text(waiting, "reason");
                } else if (terminated.isObject() && !Tree.text(terminated, "reason").isEmpty()) {
                    reason = Tree.text(terminated, "reason");
                } else if (terminated.isObject()) {
                    long signal = Tree.number(terminated, "signal", 0);
                    reason = signal != 0 ? "Signal:" + signal : "ExitCode:" + Tree.number(terminated, "exitCode", 0);
                } else if (Tree.bool(c, "ready") && c.path("state").path("running").isObject()) {
                    hasRunning = true;
                    ready++;
                }
            }
            if (reason.equals("Completed") && hasRunning) reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
        }
        boolean deleting = pod.path("metadata").hasNonNull("deletionTimestamp");
        if (deleting && Tree.text(status, "reason").equals("NodeLost")) reason = "Unknown";
        else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) reason = "Terminating";

        String restartText = Integer.toString(restarts);
        if (restarts != 0 && lastRestart != null) restartText = restarts + " (" + Ages.since(lastRestart.toString()) + " ago)";
        return new Summary(ready + "/" + total, reason, restartText);
    }

    private static Instant lastTerminated(JsonNode containerStatus) {
        String at = Tree.text(containerStatus.path("lastState").path("terminated"), "finishedAt");
        try {
            return at.isEmpty() ? null : Instant.parse(at);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return b.isAfter(a) ? b : a;
    }

    private static boolean conditionTrue(JsonNode status, String type) {
        for (JsonNode c : Tree.items(status, "conditions")) {
            if (Tree.text(c, "type").equals(type)) return Tree.text(c, "status").equals("True");
        }
        return false;
    }

    private static String firstPodIp(ObjectNode pod) {
        List<JsonNode> ips = Tree.items(pod.path("status"), "podIPs");
        if (!ips.isEmpty()) return Tree.text(ips.get(0), "ip");
        return Tree.text(pod.path("status"), "podIP");
    }

    private static String readinessGates(ObjectNode pod) {
        List<JsonNode> gates = Tree.items(pod.path("spec"), "readinessGates");
        if (gates.isEmpty()) return "<none>";
        int met = 0;
        for (JsonNode g : gates) if (conditionTrue(pod.path("status"), Tree.text(g, "conditionType"))) met++;
        return met + "/" + gates.size();
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "<none>" : s;
    }
}
