package dev.pier.controllers.attachdetach;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A PersistentVolume backed by a CSI driver, as the attach/detach controller sees it.
 *
 * @param pv        the PersistentVolume's name
 * @param exclusive whether the volume may be attached to one node at a time (no ReadWriteMany or
 *                  ReadOnlyMany access mode; a PV without access modes is not restricted, as in Kubernetes)
 */
record CsiVolume(String pv, String driver, String handle, boolean exclusive) {
    private static final String PLUGIN_PREFIX = "kubernetes.io/csi/";

    /** The CSI volume of a PersistentVolume; empty for other volume sources. */
    static Optional<CsiVolume> of(JsonNode pv) {
        JsonNode csi = pv.path("spec").path("csi");
        String driver = csi.path("driver").asText("");
        String handle = csi.path("volumeHandle").asText("");
        if (driver.isEmpty() || handle.isEmpty()) return Optional.empty();
        JsonNode modes = pv.path("spec").path("accessModes");
        boolean shared = modes.isEmpty();
        for (JsonNode m : modes) {
            if (m.asText().equals("ReadWriteMany") || m.asText().equals("ReadOnlyMany")) shared = true;
        }
        return Optional.of(new CsiVolume(pv.path("metadata").path("name").asText(), driver, handle, !shared));
    }

    /**
     * The name kubelets list in {@code node.status.volumesInUse} and the controller writes in
     * {@code volumesAttached}: {@code kubernetes.io/csi/<driver>^<volume handle>}.
     */
    String uniqueName() {
        return uniqueName(driver, handle);
    }

    static String uniqueName(String driver, String handle) {
        return PLUGIN_PREFIX + driver + "^" + handle;
    }

    /** The VolumeAttachment's name for this volume on {@code node}. */
    String attachmentName(String node) {
        return attachmentName(handle, driver, node);
    }

    /**
     * Kubernetes' VolumeAttachment name: {@code csi-} and the sha256 of volume handle, driver and node name
     * written one after the other, so that the kubelet, the controller and the external attacher all find
     * the same object without a lookup.
     */
    static String attachmentName(String handle, String driver, String node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((handle + driver + node).getBytes(StandardCharsets.UTF_8));
            return "csi-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The volume handle inside a unique name of {@code driver}'s volumes; null for another driver's or
     * another plugin's volume.
     */
    static String handleIn(String uniqueName, String driver) {
        String prefix = PLUGIN_PREFIX + driver + "^";
        return uniqueName.startsWith(prefix) ? uniqueName.substring(prefix.length()) : null;
    }
}
