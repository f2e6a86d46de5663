package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.pier.controllers.runtime.Writes.ignoreGone;

/**
 * The sync of one node: writes {@code status.volumesAttached} (one entry {@code kubernetes.io/csi/<driver>^<handle>}
 * per VolumeAttachment of the node that is attached and not being deleted), and tells the pods waiting for a
 * volume when it turns up there. The list is the record of what was announced: a volume enters it and its
 * pods get {@code SuccessfulAttachVolume} in the same sync, so a restarted controller does not announce again.
 *
 * <p>The node agent writes the rest of the node's status, so this writes with a merge patch of that one
 * field, and only when it changes.
 */
final class NodeStatusSync {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatusSync.class);

    private final LocalClient client;
    private final Informer nodes;
    private final Informer volumes;
    private final Informer attachments;
    private final VolumeUsers users;
    private final AttachEvents events;

    NodeStatusSync(LocalClient client, Informer nodes, Informer volumes, Informer attachments, VolumeUsers users, AttachEvents events) {
        this.client = client;
        this.nodes = nodes;
        this.volumes = volumes;
        this.attachments = attachments;
        this.users = users;
        this.events = events;
    }

    Result sync(AttachDetachKey.Node key) {
        ObjectNode node = nodes.get(new ObjectKey(key.cell(), "", key.name())).orElse(null);
        if (node == null) return Result.done();
        Map<String, CsiVolume> attached = attachedVolumes(key);

        ArrayNode wanted = Json.object().arrayNode();
        attached.keySet().forEach(name -> wanted.addObject().put("name", name).put("devicePath", ""));
        JsonNode current = node.path("status").path("volumesAttached");
        if (Json.sameValues(wanted, current.isMissingNode() || current.isNull() ? Json.object().arrayNode() : current)) {
            return Result.done();
        }
        ObjectNode patch = Json.object();
        patch.putObject("status").set("volumesAttached", wanted.isEmpty() ? null : wanted);
        ObjectNode written = ignoreGone(() -> client.resource(key.cell(), nodes.type())
                .patch("", key.name(), Owners.uid(node), PatchType.MERGE, patch, true));
        if (written == null) return Result.done();
        LOG.debug("{}: node {} volumesAttached now {}", key.cell(), key.name(), attached.keySet());

        Set<String> announced = new HashSet<>();
        for (JsonNode v : current) announced.add(v.path("name").asText());
        for (var e : attached.entrySet()) {
            if (announced.contains(e.getKey())) continue;
            CsiVolume volume = e.getValue();
            LOG.info("{}: volume {} attached to node {}", key.cell(), volume.pv(), key.name());
            List<ObjectNode> waiting = volumes.get(new ObjectKey(key.cell(), "", volume.pv()))
                    .map(pv -> users.byNode(key.cell(), pv).getOrDefault(key.name(), List.of()))
                    .orElse(List.of());
            events.attached(key.cell(), waiting, volume.pv());
        }
        return Result.done();
    }

    /** Unique volume name → volume, for the node's attachments that are attached and staying. */
    private Map<String, CsiVolume> attachedVolumes(AttachDetachKey.Node key) {
        Map<String, CsiVolume> out = new TreeMap<>();
        for (ObjectNode va : attachments.listCell(key.cell())) {
            JsonNode spec = va.path("spec");
            if (!spec.path("nodeName").asText().equals(key.name())) continue;
            // one being deleted is on its way out: Kubernetes stops reporting it before it detaches
            if (!va.path("status").path("attached").asBoolean(false) || Owners.isBeingDeleted(va)) continue;
            String pv = spec.path("source").path("persistentVolumeName").asText("");
            if (pv.isEmpty()) continue;
            volumes.get(new ObjectKey(key.cell(), "", pv)).flatMap(CsiVolume::of).ifPresent(v -> out.put(v.uniqueName(), v));
        }
        return out;
    }
}
