package dev.pier.cloud.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Files a machine's containerd and CNI keep outside the machine's directories, removed when the
 * machine goes. A clean stop of every pod removes them already; these are what a killed runtime
 * leaves:
 *
 * <ul>
 *   <li>libcni's cached results, {@code /var/lib/cni/results/<network>-<sandbox>-<interface>}:
 *       the machine's own network ({@link MachineLayout#cniNetworkName()}) and containerd's
 *       {@code cni-loopback} network for each sandbox;
 *   <li>shim sockets, {@code /run/containerd/s/<sha256(grpc address/namespace/task id)>}: containerd
 *       1.6 puts them there whatever its state directory is.
 * </ul>
 *
 * The task ids come from the runtime's state directory, so call {@link #remove} before that goes.
 */
final class RuntimeLeftovers {
  private static final Path CNI_CACHE = Path.of("/var/lib/cni/results");
  private static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
  private static final String CRI_NAMESPACE = "k8s.io";

  private RuntimeLeftovers() {}

  static void remove(MachineLayout m) {
    try {
      for (String task : taskIds(m)) {
        Files.deleteIfExists(CNI_CACHE.resolve("cni-loopback-" + task + "-lo"));
        Files.deleteIfExists(SHIM_SOCKETS.resolve(shimSocketName(m.runtimeSocket(), task)));
      }
      if (Files.isDirectory(CNI_CACHE)) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(CNI_CACHE, m.cniNetworkName() + "-*")) {
          for (Path entry : entries) Files.deleteIfExists(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** containerd's runtime/v2/shim.SocketAddress. */
  static String shimSocketName(Path grpcAddress, String taskId) {
    try {
      byte[] key = (grpcAddress + "/" + CRI_NAMESPACE + "/" + taskId).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> taskIds(MachineLayout m) throws IOException {
    List<String> ids = new ArrayList<>();
    Path tasks = m.containerdState().resolve("io.containerd.runtime.v2.task").resolve(CRI_NAMESPACE);
    if (!Files.isDirectory(tasks)) return ids;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
      for (Path dir : dirs) ids.add(dir.getFileName().toString());
    }
    return ids;
  }
}
