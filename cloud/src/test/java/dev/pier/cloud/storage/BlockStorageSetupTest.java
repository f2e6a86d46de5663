package dev.pier.cloud.storage;

import static dev.pier.cloud.storage.StorageApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.volume.LoopLeftovers;
import dev.pier.cloud.volume.LoopVolumeProvider;
import dev.pier.cloud.volume.Volume;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.ControllerOptions;
import dev.pier.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage controllers as the server runs them: registered on a controller manager with the
 * built-in controllers, serving a tenant cell made after the start, with a real loop provider. What
 * the PV controller and the attach/detach controller would write, the test writes.
 */
class BlockStorageSetupTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private SqliteStore kv;
  private Cells cells;
  private ControllerManager manager;
  private LoopVolumeProvider provider;

  @AfterEach
  void stop() {
    // the server's order: controllers, then the provider, then cells and storage
    if (manager != null) manager.close();
    if (provider != null) provider.close();
    if (cells != null) cells.close();
    if (kv != null) kv.close();
    assertThat(LoopLeftovers.detachAll(dir)).as("loop devices left by the test").isEmpty();
  }

  @Test
  void servesAClaimOfANewCellFromItsDefaultClassToTheVolumesDeletion() {
    kv = SqliteStore.open(dir.resolve("state.db"));
    cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
    manager = ControllerManager.create(cells, kv, Clock.systemUTC(), ControllerOptions.defaults());
    provider = LoopVolumeProvider.open(dir.resolve("data"));
    BlockStorageSetup.register(manager, provider);
    manager.start();
    cells.createTenant("t1");
    LocalClient client = manager.client("test");
    ResourceClient classes = client.resource("t1", client.builtin("storage.k8s.io", "v1", "storageclasses"));
    ResourceClient claims = client.resource("t1", client.builtin("", "v1", "persistentvolumeclaims"));
    ResourceClient pvs = client.resource("t1", client.builtin("", "v1", "persistentvolumes"));
    ResourceClient attachments = client.resource("t1", client.builtin("storage.k8s.io", "v1", "volumeattachments"));

    await("the default class of t1", () -> classes.find("", "standard").isPresent());
    // no class named: admission gives the claim the default one
    ObjectNode claim = claims.create("default", json("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          annotations: {volume.kubernetes.io/storage-provisioner: block.pier.dev, volume.kubernetes.io/selected-node: node-1}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 64Mi}}
        """));
    assertThat(claim.at("/spec/storageClassName").asText()).isEqualTo("standard");
    String pvName = "pvc-" + claim.at("/metadata/uid").asText();
    await("PV " + pvName, () -> pvs.find("", pvName).isPresent());
    assertThat(provider.list()).singleElement().satisfies(v -> assertThat(v.name()).isEqualTo("t1/" + pvName));
    String volumeId = provider.list().getFirst().id();

    // a pod on node-1 needs the claim: the attach/detach controller asks for the volume there, the attacher attaches it
    ResourceClient pods = client.resource("t1", client.builtin("", "v1", "pods"));
    client.resource("t1", client.builtin("", "v1", "nodes")).create("", json("""
        apiVersion: v1
        kind: Node
        metadata: {name: node-1}
        """));
    pods.create("default", json("""
        apiVersion: v1
        kind: Pod
        metadata: {name: user}
        spec:
          nodeName: node-1
          containers: [{name: c, image: busybox}]
          volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
        """));
    await("the attachment", () -> attachments.list("").stream().anyMatch(va -> va.at("/status/attached").asBoolean()));
    ObjectNode va = attachments.list("").getFirst();
    String device = va.at("/status/attachmentMetadata/devicePath").asText();
    assertThat(va.at("/spec/nodeName").asText()).isEqualTo("node-1");
    assertThat(provider.get(volumeId).orElseThrow().attachment().orElseThrow().devicePath()).isEqualTo(device);
    assertThat(LoopLeftovers.under(dir)).containsExactly(device);

    // the pod gone (at once: no kubelet here) and the node not using the volume: detached
    pods.delete("default", "user", new DeleteOptions("", "", 0, "", false));
    await("the detach", () -> attachments.list("").isEmpty());
    assertThat(provider.get(volumeId).orElseThrow().state()).isEqualTo(Volume.State.AVAILABLE);

    claims.delete("default", "data", DeleteOptions.defaults());
    await("the volume and its PV to go with the claim", () -> pvs.find("", pvName).isEmpty() && provider.list().isEmpty());
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(WAIT, () -> what, condition);
  }
}
