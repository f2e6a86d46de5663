package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which daemon pods to create and delete so that every node that should run one does, and no other node
 * does (Kubernetes' podsShouldBeOnNode): a missing pod is created, surplus pods go (the oldest stays; with
 * maxSurge, an old and a new pod may share a node until the new one is available), finished pods are
 * replaced, and pods leave nodes they may no longer stay on. A node whose pod is still terminating gets no
 * new one until it is gone, unless the DaemonSet surges.
 */
final class Manage {
    /**
     * @param createOn nodes that need a daemon pod
     * @param delete   pods to delete
     * @param failed   failed pods to delete, each after a per-node back-off so a node that keeps refusing
     *                 the pod is not hammered
     */
    record Plan(List<String> createOn, List<JsonNode> delete, List<JsonNode> failed) {
    }

    private Manage() {
    }

    static Plan plan(List<NodePods> nodes, String hash, boolean surge, long minReadySeconds, Instant now) {
        List<String> createOn = new ArrayList<>();
        List<JsonNode> delete = new ArrayList<>();
        List<JsonNode> failed = new ArrayList<>();
        for (NodePods n : nodes) {
            boolean exists = !n.pods().isEmpty();
            if (n.verdict() == null) {
                // the node is gone: pods never bound to it would wait forever; bound ones are the node's to clean up
                for (JsonNode pod : n.pods()) {
                    if (pod.path("spec").path("nodeName").asText("").isEmpty() && !Owners.isBeingDeleted(pod)) delete.add(pod);
                }
            } else if (n.shouldRun() && !exists) {
                createOn.add(n.node());
            } else if (n.shouldKeepRunning()) {
                keep(n, hash, surge, minReadySeconds, now, createOn, delete, failed);
            } else if (exists) {
                for (JsonNode pod : n.pods()) if (!Owners.isBeingDeleted(pod)) delete.add(pod);
            }
        }
        return new Plan(createOn, delete, failed);
    }

    private static void keep(NodePods n, String hash, boolean surge, long minReadySeconds, Instant now,
                             List<String> createOn, List<JsonNode> delete, List<JsonNode> failed) {
        List<JsonNode> running = new ArrayList<>();
        for (JsonNode pod : n.pods()) {
            if (Owners.isBeingDeleted(pod)) continue;
            switch (Pods.phase(pod)) {
                case "Failed" -> failed.add(pod);
                case "Succeeded" -> delete.add(pod);
                default -> running.add(pod);
            }
        }
        running.sort(DaemonPods.OLDEST_SCHEDULED_FIRST);
        if (!surge) {
            for (int i = 1; i < running.size(); i++) delete.add(running.get(i));
            return;
        }
        if (running.size() <= 1) {
            if (running.isEmpty() && n.shouldRun()) createOn.add(n.node());
            return;
        }
        // surging: an old and a new pod may share the node while the new one is not yet available
        JsonNode oldestNew = null;
        JsonNode oldestOld = null;
        for (JsonNode pod : running) {
            boolean isNew = DaemonPods.isUpdated(pod, hash, null);
            if (isNew && oldestNew == null) oldestNew = pod;
            else if (!isNew && oldestOld == null) oldestOld = pod;
            else delete.add(pod);
        }
        if (oldestNew != null && oldestOld != null
                && (!Pods.isReady(oldestOld) || Pods.isAvailable(oldestNew, minReadySeconds, now))) {
            delete.add(oldestOld);
        }
    }
}
