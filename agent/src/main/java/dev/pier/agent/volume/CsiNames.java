package dev.pier.agent.volume;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The names Kubernetes derives from a CSI volume, spelled exactly as Kubernetes spells them. */
public final class CsiNames {
  /** Pier's one block storage driver: StorageClass provisioner, PV driver, attacher and CSINode driver. */
  public static final String DRIVER = "block.pier.dev";

  private CsiNames() {}

  /**
   * The VolumeAttachment of a volume on a node: {@code csi-} and the sha256 hex of handle, attacher and
   * node name concatenated, as the attach/detach controller names it.
   */
  public static String attachmentName(String volumeHandle, String attacher, String nodeName) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((volumeHandle + attacher + nodeName).getBytes(StandardCharsets.UTF_8));
      return "csi-" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The volume's name in a Node's {@code status.volumesInUse} and {@code volumesAttached}. */
  public static String uniqueVolumeName(String driver, String volumeHandle) {
    return "kubernetes.io/csi/" + driver + "^" + volumeHandle;
  }
}
