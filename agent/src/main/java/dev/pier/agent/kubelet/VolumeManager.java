package dev.pier.agent.kubelet;

import dev.pier.agent.kubelet.AtomicDirectory.Payload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets up a pod's volumes on the node before its containers start, and again on every sync so that
 * ConfigMap, Secret and downward API contents follow their sources (swapped atomically, see
 * {@link AtomicDirectory}). Each volume is a directory under the pod's directory, laid out by
 * plugin as the kubelet lays them out; Secrets and memory-backed emptyDirs live on tmpfs, so secret
 * data never reaches the node's disk. PersistentVolumeClaims are block volumes staged once per node
 * ({@link ClaimVolumes}).
 */
final class VolumeManager {
  private static final int DEFAULT_MODE = 0644;

  private final AgentConfig config;
  private final NodeFacts facts;
  private final ClaimVolumes claims;

  VolumeManager(AgentConfig config, NodeFacts facts, ClaimVolumes claims) {
    this.config = config;
    this.facts = facts;
    this.claims = claims;
  }

  /**
   * Prepares every volume of the pod; returns where each one is on the node, by volume name. Volumes
   * that are not ready yet do not stop the others: the exception names them all.
   *
   * @throws VolumeNotReadyException when some volumes wait (a claim not bound, a volume not attached)
   * @throws VolumeException when a volume failed
   */
  Map<String, MountedVolume> prepare(Pod pod, PodObjects objects) throws VolumeException {
    Map<String, MountedVolume> paths = new LinkedHashMap<>();
    List<VolumeNotReadyException> waiting = new ArrayList<>();
    List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume v : volumes) {
      try {
        if (v.getPersistentVolumeClaim() != null) {
          paths.put(v.getName(), claims.setUp(pod, v));
        } else {
          paths.put(v.getName(), MountedVolume.writable(prepare(pod, v, objects)));
        }
      } catch (VolumeNotReadyException e) {
        waiting.add(e);
      } catch (IOException e) {
        throw new VolumeException("MountVolume.SetUp failed for volume \"" + v.getName() + "\": " + e.getMessage(), e);
      }
    }
    if (!waiting.isEmpty()) throw VolumeNotReadyException.all(waiting);
    return paths;
  }

  /**
   * Removes the pod's directory (its containers are gone): unmounts its tmpfs volumes first, and then
   * unstages the block volumes no other pod uses.
   */
  void cleanup(String uid) throws IOException {
    Path dir = config.podDir(uid);
    HostMounts.unmountAll(dir);
    AtomicDirectory.deleteTree(dir);
    claims.releaseUnused();
  }

  /** A finished pod, whose containers are stopped, keeps its directory but no longer its block volumes. */
  void releaseClaims(String uid) {
    claims.releasePod(uid);
  }

  /** Unstages block volumes no pod uses: what a crashed agent or a failed unmount left. */
  void releaseUnusedClaims() {
    claims.releaseUnused();
  }

  private Path prepare(Pod pod, Volume v, PodObjects objects) throws IOException, VolumeException {
    Path volumes = config.podDir(pod.getMetadata().getUid()).resolve("volumes");
    if (v.getEmptyDir() != null) {
      Path dir = volumes.resolve("kubernetes.io~empty-dir").resolve(v.getName());
      if ("Memory".equals(v.getEmptyDir().getMedium())) {
        Quantity limit = v.getEmptyDir().getSizeLimit();
        HostMounts.mountTmpfs(dir, limit == null ? 0 : Quantity.getAmountInBytes(limit).longValue());
      } else {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, AtomicDirectory.permissions(0777));
      }
      return dir;
    }
    if (v.getHostPath() != null) {
      return hostPath(v);
    }
    if (v.getConfigMap() != null) {
      var src = v.getConfigMap();
      Path dir = volumes.resolve("kubernetes.io~configmap").resolve(v.getName());
      Map<String, Payload> files = new LinkedHashMap<>();
      addKeys(files, "configmap", src.getName(), objects.configMap(src.getName()), src.getItems(),
          mode(src.getDefaultMode()), Boolean.TRUE.equals(src.getOptional()));
      AtomicDirectory.write(dir, files);
      return dir;
    }
    if (v.getSecret() != null) {
      var src = v.getSecret();
      Path dir = volumes.resolve("kubernetes.io~secret").resolve(v.getName());
      HostMounts.mountTmpfs(dir, 0);
      Map<String, Payload> files = new LinkedHashMap<>();
      addKeys(files, "secret", src.getSecretName(), objects.secret(src.getSecretName()), src.getItems(),
          mode(src.getDefaultMode()), Boolean.TRUE.equals(src.getOptional()));
      AtomicDirectory.write(dir, files);
      return dir;
    }
    if (v.getDownwardAPI() != null) {
      Path dir = volumes.resolve("kubernetes.io~downward-api").resolve(v.getName());
      Map<String, Payload> files = new LinkedHashMap<>();
      addDownward(files, pod, v.getDownwardAPI().getItems(), mode(v.getDownwardAPI().getDefaultMode()));
      AtomicDirectory.write(dir, files);
      return dir;
    }
    if (v.getProjected() != null) {
      Path dir = volumes.resolve("kubernetes.io~projected").resolve(v.getName());
      HostMounts.mountTmpfs(dir, 0);
      int mode = mode(v.getProjected().getDefaultMode());
      Map<String, Payload> files = new LinkedHashMap<>();
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getConfigMap() != null) {
          var src = p.getConfigMap();
          addKeys(files, "configmap", src.getName(), objects.configMap(src.getName()), src.getItems(), mode,
              Boolean.TRUE.equals(src.getOptional()));
        } else if (p.getSecret() != null) {
          var src = p.getSecret();
          addKeys(files, "secret", src.getName(), objects.secret(src.getName()), src.getItems(), mode,
              Boolean.TRUE.equals(src.getOptional()));
        } else if (p.getDownwardAPI() != null) {
          addDownward(files, pod, p.getDownwardAPI().getItems(), mode);
        } else if (p.getServiceAccountToken() != null) {
          // The API server issues no service account tokens yet (TokenRequest is a later issue):
          // the projection is left out rather than failing every pod that asks for it.
          continue;
        }
      }
      AtomicDirectory.write(dir, files);
      return dir;
    }
    throw new VolumeException("volume \"" + v.getName() + "\": this volume type is not supported by Pier's agent yet"
        + " (supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected, persistentVolumeClaim)");
  }

  private static Path hostPath(Volume v) throws IOException, VolumeException {
    Path path = Path.of(v.getHostPath().getPath());
    String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
    switch (type) {
      case "DirectoryOrCreate" -> {
        Files.createDirectories(path);
      }
      case "FileOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path.getParent());
          Files.createFile(path);
        }
      }
      case "Directory" -> {
        if (!Files.isDirectory(path)) throw new VolumeException("hostPath type check failed: " + path + " is not a directory");
      }
      case "File" -> {
        if (!Files.isRegularFile(path)) throw new VolumeException("hostPath type check failed: " + path + " is not a file");
      }
      case "Socket", "CharDevice", "BlockDevice" -> {
        if (!Files.exists(path)) throw new VolumeException("hostPath type check failed: " + path + " does not exist");
      }
      default -> {
        // "" means no check, as in Kubernetes
      }
    }
    return path;
  }

  private static void addKeys(Map<String, Payload> files, String kind, String name, Optional<Map<String, byte[]>> data,
      List<KeyToPath> items, int defaultMode, boolean optional) throws VolumeException {
    if (data.isEmpty()) {
      if (optional) return;
      throw new VolumeException(kind + " \"" + name + "\" not found");
    }
    if (items == null || items.isEmpty()) {
      data.get().forEach((k, v) -> files.put(k, new Payload(v, defaultMode)));
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get().get(item.getKey());
      if (value == null) {
        if (optional) continue;
        throw new VolumeException("configmap".equals(kind)
            ? "configmap references non-existent config key: " + item.getKey()
            : "references non-existent secret key: " + item.getKey());
      }
      files.put(item.getPath(), new Payload(value, item.getMode() == null ? defaultMode : item.getMode()));
    }
  }

  private void addDownward(Map<String, Payload> files, Pod pod, List<DownwardAPIVolumeFile> items, int defaultMode)
      throws VolumeException {
    if (items == null) return;
    for (DownwardAPIVolumeFile item : items) {
      String value;
      try {
        if (item.getFieldRef() != null) {
          value = FieldPaths.field(pod, item.getFieldRef().getFieldPath(), config.nodeName(), config.nodeIp());
        } else if (item.getResourceFieldRef() != null) {
          String containerName = item.getResourceFieldRef().getContainerName();
          Container c = Pods.allContainers(pod).stream().filter(x -> x.getName().equals(containerName)).findFirst()
              .orElseThrow(() -> new VolumeException("downwardAPI item " + item.getPath() + ": no container " + containerName));
          value = FieldPaths.resource(c, item.getResourceFieldRef(), facts);
        } else {
          continue;
        }
      } catch (IllegalArgumentException e) {
        throw new VolumeException(e.getMessage());
      }
      files.put(item.getPath(), new Payload(value.getBytes(StandardCharsets.UTF_8),
          item.getMode() == null ? defaultMode : item.getMode()));
    }
  }

  private static int mode(Integer mode) {
    return mode == null ? DEFAULT_MODE : mode;
  }
}
