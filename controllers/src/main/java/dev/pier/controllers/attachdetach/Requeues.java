package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.WorkQueue;

import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * Which keys a change makes stale. Handlers only compute keys (some with a lookup in an informer) and add
 * them; frequent updates that cannot change an attachment (a pod's readiness, a node's heartbeat) add nothing.
 */
final class Requeues {
    private final WorkQueue<AttachDetachKey> queue;
    private final VolumeUsers users;
    private final Informer volumes;
    private final Informer attachments;

    private Requeues(WorkQueue<AttachDetachKey> queue, VolumeUsers users, Informer volumes, Informer attachments) {
        this.queue = queue;
        this.users = users;
        this.volumes = volumes;
        this.attachments = attachments;
    }

    static void register(WorkQueue<AttachDetachKey> queue, VolumeUsers users, Informer pods, Informer claims, Informer volumes,
                         Informer attachments, Informer drivers, Informer nodes) {
        Requeues r = new Requeues(queue, users, volumes, attachments);
        pods.addHandler(changes(r::podVolumes, Requeues::podPlacementChanged));
        claims.addHandler(changes(r::claimVolume, (old, now) -> true));
        volumes.addHandler(EventHandler.onChange((cell, pv) -> queue.add(new AttachDetachKey.Volume(cell, name(pv)))));
        attachments.addHandler(EventHandler.onChange(r::attachment));
        drivers.addHandler(EventHandler.onChange(r::volumesOfDriver));
        nodes.addHandler(changes(r::node, Requeues::nodeVolumeStateChanged));
    }

    /** The volumes of a pod's bound claims: their desired nodes follow the pod. */
    private void podVolumes(String cell, JsonNode pod) {
        for (String pv : users.boundVolumes(cell, pod)) queue.add(new AttachDetachKey.Volume(cell, pv));
    }

    private static boolean podPlacementChanged(JsonNode old, JsonNode now) {
        return !old.path("spec").path("nodeName").equals(now.path("spec").path("nodeName"))
                || !old.path("status").path("phase").equals(now.path("status").path("phase"))
                || !old.path("metadata").path("deletionTimestamp").equals(now.path("metadata").path("deletionTimestamp"));
    }

    /** A claim binding to (or leaving) a volume changes who uses that volume. */
    private void claimVolume(String cell, JsonNode claim) {
        String pv = claim.path("spec").path("volumeName").asText("");
        if (!pv.isEmpty()) queue.add(new AttachDetachKey.Volume(cell, pv));
    }

    private void attachment(String cell, JsonNode va) {
        String pv = va.path("spec").path("source").path("persistentVolumeName").asText("");
        if (!pv.isEmpty()) queue.add(new AttachDetachKey.Volume(cell, pv));
        queue.add(new AttachDetachKey.Node(cell, va.path("spec").path("nodeName").asText()));
    }

    /** A CSIDriver that says whether its volumes need attaching. */
    private void volumesOfDriver(String cell, JsonNode driver) {
        String name = name(driver);
        for (ObjectNode pv : volumes.listCell(cell)) {
            if (pv.path("spec").path("csi").path("driver").asText().equals(name)) queue.add(new AttachDetachKey.Volume(cell, name(pv)));
        }
    }

    /** The node's own list, and every volume attached there, which may now be detached. */
    private void node(String cell, JsonNode node) {
        String name = name(node);
        queue.add(new AttachDetachKey.Node(cell, name));
        for (ObjectNode va : attachments.listCell(cell)) {
            if (!va.path("spec").path("nodeName").asText().equals(name)) continue;
            String pv = va.path("spec").path("source").path("persistentVolumeName").asText("");
            if (!pv.isEmpty()) queue.add(new AttachDetachKey.Volume(cell, pv));
        }
    }

    private static boolean nodeVolumeStateChanged(JsonNode old, JsonNode now) {
        JsonNode was = old.path("status");
        JsonNode is = now.path("status");
        return !was.path("volumesInUse").equals(is.path("volumesInUse"))
                || !was.path("volumesAttached").equals(is.path("volumesAttached"))
                || !readyStatus(was).equals(readyStatus(is));
    }

    private static String readyStatus(JsonNode status) {
        for (JsonNode c : status.path("conditions")) if (c.path("type").asText().equals("Ready")) return c.path("status").asText();
        return "";
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    /** A handler that looks at adds and deletes always, and at updates when {@code relevant} says so (old and new state both). */
    private static EventHandler changes(BiConsumer<String, JsonNode> enqueue, BiPredicate<JsonNode, JsonNode> relevant) {
        return new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode object) {
                enqueue.accept(cell, object);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                if (!relevant.test(old, current)) return;
                enqueue.accept(cell, old);
                enqueue.accept(cell, current);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                enqueue.accept(cell, last);
            }
        };
    }
}
