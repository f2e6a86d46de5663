package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.pier.controllers.runtime.Writes.ignoreGone;

/**
 * The sync of one PersistentVolume: a VolumeAttachment for every node with a pod that needs the volume, none
 * left behind on nodes that are done with it.
 *
 * <p>Detaching comes first, so that a ReadWriteOnce volume leaving one node frees it for the next in the
 * same sync. An attachment is deleted only when no pod of its node needs the volume and the node no longer
 * uses it ({@link NodeUse}); the attacher's finalizer then detaches it in the cloud, and until the object is
 * gone it still holds a ReadWriteOnce volume. Attachments without a PV source (inline volumes) are not ours.
 */
final class VolumeSync {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeSync.class);

    private final LocalClient client;
    private final Informer volumes;
    private final Informer attachments;
    private final Informer drivers;
    private final Informer nodes;
    private final VolumeUsers users;
    private final AttachEvents events;
    private final ReportOnce reported = new ReportOnce();
    private final Clock clock;

    VolumeSync(LocalClient client, Informer volumes, Informer attachments, Informer drivers, Informer nodes,
               VolumeUsers users, AttachEvents events, Clock clock) {
        this.client = client;
        this.volumes = volumes;
        this.attachments = attachments;
        this.drivers = drivers;
        this.nodes = nodes;
        this.users = users;
        this.events = events;
        this.clock = clock;
    }

    Result sync(AttachDetachKey.Volume key) {
        String cell = key.cell();
        JsonNode pv = volumes.get(new ObjectKey(cell, "", key.name())).orElse(null);
        CsiVolume volume = pv == null ? null : CsiVolume.of(pv).orElse(null);
        boolean attachable = volume != null && attachRequired(cell, volume.driver());
        Map<String, List<ObjectNode>> wanted = attachable ? users.byNode(cell, pv) : Map.of();

        Result result = Result.done();
        List<JsonNode> held = new ArrayList<>();
        for (ObjectNode va : attachmentsOf(cell, key.name())) {
            if (wanted.containsKey(nodeOf(va)) || Owners.isBeingDeleted(va)) {
                held.add(va);
                continue;
            }
            NodeUse use = NodeUse.of(nodes.get(new ObjectKey(cell, "", nodeOf(va))).orElse(null), va, volume, clock.instant());
            if (use.mayDetach()) {
                detach(cell, va, use.reason());
            } else {
                held.add(va);
                if (use.recheckAfter().isPresent()) result = result.orSooner(Result.requeueAfter(use.recheckAfter().get()));
            }
        }

        Set<String> lasting = new HashSet<>();
        for (var entry : wanted.entrySet()) {
            String node = entry.getKey();
            List<ObjectNode> pods = entry.getValue();
            JsonNode existing = onNode(held, node);
            if (existing != null) {
                reportAttachError(cell, volume, existing, pods, lasting);
                continue;
            }
            List<JsonNode> elsewhere = held.stream().filter(va -> !nodeOf(va).equals(node)).toList();
            if (volume.exclusive() && !elsewhere.isEmpty()) {
                reportMultiAttach(cell, volume, pods, holders(wanted, elsewhere), lasting);
                continue;
            }
            held.add(attach(cell, volume, node));
        }
        reported.retain(scope(key), lasting);
        return result;
    }

    private boolean attachRequired(String cell, String driver) {
        // no CSIDriver object: Kubernetes assumes the driver needs attaching
        return drivers.get(new ObjectKey(cell, "", driver))
                .map(d -> d.path("spec").path("attachRequired").asBoolean(true))
                .orElse(true);
    }

    private List<ObjectNode> attachmentsOf(String cell, String pv) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode va : attachments.listCell(cell)) {
            if (va.path("spec").path("source").path("persistentVolumeName").asText().equals(pv)) out.add(va);
        }
        return out;
    }

    private static String nodeOf(JsonNode va) {
        return va.path("spec").path("nodeName").asText();
    }

    private static JsonNode onNode(List<JsonNode> attachments, String node) {
        for (JsonNode va : attachments) if (nodeOf(va).equals(node)) return va;
        return null;
    }

    /** The pods that keep the volume on the nodes it is attached to. */
    private static List<String> holders(Map<String, List<ObjectNode>> wanted, List<JsonNode> elsewhere) {
        List<String> out = new ArrayList<>();
        for (JsonNode va : elsewhere) {
            for (ObjectNode pod : wanted.getOrDefault(nodeOf(va), List.of())) out.add(pod.path("metadata").path("name").asText());
        }
        return out;
    }

    private JsonNode attach(String cell, CsiVolume volume, String node) {
        ObjectNode va = Json.object();
        va.put("apiVersion", "storage.k8s.io/v1");
        va.put("kind", "VolumeAttachment");
        va.putObject("metadata").put("name", volume.attachmentName(node));
        ObjectNode spec = va.putObject("spec");
        spec.put("attacher", volume.driver());
        spec.put("nodeName", node);
        spec.putObject("source").put("persistentVolumeName", volume.pv());
        try {
            ObjectNode created = attachmentClient(cell).create("", va);
            LOG.info("{}: attaching volume {} to node {} (VolumeAttachment {})", cell, volume.pv(), node, volume.attachmentName(node));
            return created;
        } catch (ApiException e) {
            // made by an earlier sync whose write the informer has not shown yet, or one still being deleted:
            // either way it holds the volume, and its events bring the key back
            if (e.code() != 409) throw e;
            LOG.debug("{}: VolumeAttachment {} already exists", cell, volume.attachmentName(node));
            return va;
        }
    }

    private void detach(String cell, JsonNode va, String why) {
        String name = va.path("metadata").path("name").asText();
        ignoreGone(() -> attachmentClient(cell).delete("", name, new DeleteOptions(Owners.uid(va), "", -1, "", false)));
        LOG.info("{}: detaching volume {} from node {} (VolumeAttachment {}): {}", cell,
                va.path("spec").path("source").path("persistentVolumeName").asText(), nodeOf(va), name, why);
    }

    private void reportAttachError(String cell, CsiVolume volume, JsonNode va, List<ObjectNode> pods, Set<String> lasting) {
        JsonNode status = va.path("status");
        String error = status.path("attachError").path("message").asText("");
        if (status.path("attached").asBoolean(false) || error.isEmpty()) return;
        String subject = "attach-error/" + nodeOf(va);
        lasting.add(subject);
        if (reported.first(scope(cell, volume.pv()), subject, error)) {
            LOG.info("{}: attaching volume {} to node {} failed: {}", cell, volume.pv(), nodeOf(va), error);
            events.attachFailed(cell, pods, volume.pv(), error);
        }
    }

    private void reportMultiAttach(String cell, CsiVolume volume, List<ObjectNode> pods, List<String> holders, Set<String> lasting) {
        String message = AttachEvents.multiAttachMessage(volume.pv(), holders);
        for (ObjectNode pod : pods) {
            String subject = "multi-attach/" + Owners.uid(pod);
            lasting.add(subject);
            // once per pod, as Kubernetes does: the holder leaving does not make the refusal news
            if (reported.first(scope(cell, volume.pv()), subject, "refused")) {
                LOG.info("{}: not attaching ReadWriteOnce volume {} for pod {}/{}: {}", cell, volume.pv(),
                        pod.path("metadata").path("namespace").asText(), pod.path("metadata").path("name").asText(), message);
                events.multiAttach(cell, pod, message);
            }
        }
    }

    private ResourceClient attachmentClient(String cell) {
        return client.resource(cell, attachments.type());
    }

    private static String scope(AttachDetachKey.Volume key) {
        return scope(key.cell(), key.name());
    }

    private static String scope(String cell, String pv) {
        return cell + "/" + pv;
    }
}
