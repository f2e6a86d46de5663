package dev.pier.agent.kubelet;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.agent.volume.CsiNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the node keeps on disk about its block volumes, laid out as the kubelet's CSI plugin lays it
 * out, so that a restarted agent knows what it was doing without asking anyone:
 * <ul>
 *   <li>per volume, {@code <data>/plugins/block.pier.dev/<pv>/vol_data.json} beside the global mount
 *       {@code globalmount}: the volume's handle, hence its name in {@code volumesInUse};</li>
 *   <li>per pod, {@code <data>/pods/<uid>/volumes/kubernetes.io~csi/<volume>/vol_data.json}: which PV the
 *       pod's volume is, written before the volume is staged and gone with the pod's directory, so a
 *       volume is in use exactly as long as some pod directory names it.</li>
 * </ul>
 * Both are written by rename, so a crash leaves the old file or the new one.
 */
final class VolumeRecords {
  static final String FILE = "vol_data.json";
  private static final String POD_PLUGIN_DIR = "kubernetes.io~csi";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A volume staged (or being staged) on the node. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Staged(String specVolID, String volumeHandle, String driverName) {
    String uniqueName() {
      return CsiNames.uniqueVolumeName(driverName, volumeHandle);
    }
  }

  /**
   * A pod's claim volume: the PV it is, and whether it was set up for the pod (staged, fsGroup applied),
   * after which a sync takes the global mount without asking the API server.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PodVolume(String specVolID, String volumeHandle, String driverName, String nodeName, String attachmentID,
      boolean readOnly, boolean setUp) {
    PodVolume ready() {
      return new PodVolume(specVolID, volumeHandle, driverName, nodeName, attachmentID, readOnly, true);
    }
  }

  private final AgentConfig config;

  VolumeRecords(AgentConfig config) {
    this.config = config;
  }

  Path pluginDir() {
    return config.dataDir().resolve("plugins").resolve(CsiNames.DRIVER);
  }

  Path globalMount(String pv) {
    return pluginDir().resolve(pv).resolve("globalmount");
  }

  void writeStaged(Staged staged) throws IOException {
    write(pluginDir().resolve(staged.specVolID()).resolve(FILE), staged);
  }

  Optional<Staged> staged(String pv) throws IOException {
    return read(pluginDir().resolve(pv).resolve(FILE), Staged.class);
  }

  /** The PVs that have a directory under the plugin's: staged, or left half staged or half unstaged. */
  List<String> stagedVolumes() throws IOException {
    if (!Files.isDirectory(pluginDir())) return List.of();
    try (Stream<Path> dirs = Files.list(pluginDir())) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  /** Removes what is left of a PV's directory once its global mount is gone. */
  void removeStaged(String pv) throws IOException {
    Path dir = pluginDir().resolve(pv);
    Files.deleteIfExists(dir.resolve(FILE));
    Files.deleteIfExists(dir);
  }

  void writePodVolume(String podUid, String volume, PodVolume record) throws IOException {
    write(podVolumes(podUid).resolve(volume).resolve(FILE), record);
  }

  Optional<PodVolume> podVolume(String podUid, String volume) throws IOException {
    return read(podVolumes(podUid).resolve(volume).resolve(FILE), PodVolume.class);
  }

  /** Forgets the pod's claim volumes: its containers are gone, it no longer uses them. */
  void removePodVolumes(String podUid) throws IOException {
    AtomicDirectory.deleteTree(podVolumes(podUid));
  }

  /** The PVs some pod directory on the node names. */
  Set<String> volumesOfPods() throws IOException {
    Set<String> pvs = new HashSet<>();
    Path pods = config.dataDir().resolve("pods");
    if (!Files.isDirectory(pods)) return pvs;
    List<Path> records = new ArrayList<>();
    try (Stream<Path> uids = Files.list(pods)) {
      for (Path uid : uids.toList()) {
        Path dir = uid.resolve("volumes").resolve(POD_PLUGIN_DIR);
        if (!Files.isDirectory(dir)) continue;
        try (Stream<Path> volumes = Files.list(dir)) {
          volumes.map(v -> v.resolve(FILE)).filter(Files::isRegularFile).forEach(records::add);
        }
      }
    }
    for (Path r : records) read(r, PodVolume.class).ifPresent(v -> pvs.add(v.specVolID()));
    return pvs;
  }

  private Path podVolumes(String podUid) {
    return config.podDir(podUid).resolve("volumes").resolve(POD_PLUGIN_DIR);
  }

  private static void write(Path file, Object record) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(record));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static <T> Optional<T> read(Path file, Class<T> type) throws IOException {
    if (!Files.isRegularFile(file)) return Optional.empty();
    try {
      return Optional.of(JSON.readValue(file.toFile(), type));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException("cannot read " + file + ": " + e.getOriginalMessage(), e);
    }
  }
}
