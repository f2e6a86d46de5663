package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Whether a node may still have an attachment's volume mounted, so that detaching it now could pull the disk
 * from under running containers. The kubelet (our node agent) lists a volume in {@code status.volumesInUse}
 * until it has unmounted it; a node that is gone uses nothing; a node not Ready for longer than
 * {@link #MAX_WAIT_FOR_UNMOUNT} will not unmount anything, and waiting for it would keep the volume from
 * every other node, so its volumes are detached anyway (Kubernetes' forced detach, simplified to the node's
 * Ready condition).
 *
 * @param mayDetach    whether the attachment may go now
 * @param recheckAfter when the verdict changes by itself (the not-Ready wait runs out); empty when only a
 *                     change of the node can change it
 * @param reason       why, for the log
 */
record NodeUse(boolean mayDetach, Optional<Duration> recheckAfter, String reason) {
    static final Duration MAX_WAIT_FOR_UNMOUNT = Duration.ofMinutes(6);

    /**
     * @param node   the attachment's node; null when it is gone
     * @param volume the attachment's volume as its PV says; null when the PV is gone or not a CSI volume
     */
    static NodeUse of(JsonNode node, JsonNode attachment, CsiVolume volume, Instant now) {
        if (node == null) return new NodeUse(true, Optional.empty(), "node is gone");
        if (!listsVolume(node, attachment, volume)) return new NodeUse(true, Optional.empty(), "node no longer uses the volume");
        Duration down = notReadyFor(node, now);
        if (down.compareTo(MAX_WAIT_FOR_UNMOUNT) >= 0) {
            return new NodeUse(true, Optional.empty(), "node not Ready for " + down.toSeconds() + "s, forcing detach of a volume in use");
        }
        if (down.isPositive()) return new NodeUse(false, Optional.of(MAX_WAIT_FOR_UNMOUNT.minus(down)), "node not Ready, volume in use");
        return new NodeUse(false, Optional.empty(), "volume in use on the node");
    }

    /**
     * Whether the node lists the attachment's volume in {@code volumesInUse}. Besides the PV's own unique name,
     * an entry of the attacher's driver counts when it names this very attachment (its hash is the
     * attachment's name): that still works once the PV is gone.
     */
    static boolean listsVolume(JsonNode node, JsonNode attachment, CsiVolume volume) {
        String attacher = attachment.path("spec").path("attacher").asText();
        String nodeName = attachment.path("spec").path("nodeName").asText();
        String name = attachment.path("metadata").path("name").asText();
        for (JsonNode entry : node.path("status").path("volumesInUse")) {
            String unique = entry.asText();
            if (volume != null && unique.equals(volume.uniqueName())) return true;
            String handle = CsiVolume.handleIn(unique, attacher);
            if (handle != null && CsiVolume.attachmentName(handle, attacher, nodeName).equals(name)) return true;
        }
        return false;
    }

    /** How long the node's Ready condition has not been True; zero while it is. A node without one counts from its creation. */
    static Duration notReadyFor(JsonNode node, Instant now) {
        JsonNode ready = null;
        for (JsonNode c : node.path("status").path("conditions")) if (c.path("type").asText().equals("Ready")) ready = c;
        if (ready != null && ready.path("status").asText().equals("True")) return Duration.ZERO;
        String since = ready != null ? ready.path("lastTransitionTime").asText("") : "";
        if (since.isEmpty()) since = node.path("metadata").path("creationTimestamp").asText("");
        try {
            Duration down = Duration.between(Instant.parse(since), now);
            return down.isNegative() ? Duration.ZERO : down;
        } catch (DateTimeParseException e) {
            return Duration.ZERO;
        }
    }
}
