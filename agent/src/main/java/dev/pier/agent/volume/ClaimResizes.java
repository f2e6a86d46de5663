package dev.pier.agent.volume;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Set;

/**
 * A claim's side of a node expansion: the resizer marks it {@code FileSystemResizePending} once the
 * volume is bigger; after the node has grown the file system it records the new capacity and drops
 * the resize state, as the kubelet does when a node expansion finishes.
 */
public final class ClaimResizes {
  public static final String FILE_SYSTEM_RESIZE_PENDING = "FileSystemResizePending";
  /** The conditions of a resize in progress, all removed when it is done. */
  private static final Set<String> RESIZE_CONDITIONS = Set.of("Resizing", FILE_SYSTEM_RESIZE_PENDING);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClaimResizes() {}

  /** Whether the claim waits for the node to grow its file system. */
  public static boolean fileSystemResizePending(PersistentVolumeClaim claim) {
    return conditions(claim).stream()
        .anyMatch(c -> FILE_SYSTEM_RESIZE_PENDING.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * The merge patch of the claim's status once its file system has grown: {@code capacity.storage} is
   * the volume's, the resize conditions and {@code allocatedResourceStatuses} are gone. It carries the
   * claim's uid, so a claim recreated under the same name is not patched.
   */
  public static String finishedPatch(PersistentVolumeClaim claim, Quantity volumeCapacity) {
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("metadata").put("uid", claim.getMetadata().getUid());
    ObjectNode status = patch.putObject("status");
    status.putObject("capacity").put("storage", volumeCapacity.toString());
    List<PersistentVolumeClaimCondition> kept = conditions(claim).stream()
        .filter(c -> !RESIZE_CONDITIONS.contains(c.getType())).toList();
    if (kept.isEmpty()) {
      status.putNull("conditions");
    } else {
      ArrayNode list = status.putArray("conditions");
      kept.forEach(c -> list.add(JSON.valueToTree(c)));
    }
    status.putNull("allocatedResourceStatuses");
    return patch.toString();
  }

  private static List<PersistentVolumeClaimCondition> conditions(PersistentVolumeClaim claim) {
    if (claim.getStatus() == null || claim.getStatus().getConditions() == null) return List.of();
    return claim.getStatus().getConditions();
  }
}
