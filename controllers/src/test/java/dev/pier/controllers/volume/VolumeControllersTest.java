package dev.pier.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.testing.TestApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The PersistentVolume controllers' syncs, step by step, against a real in-process API. */
class VolumeControllersTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;
    private TestApi api;
    private final List<WorkQueue<ObjectKey>> queues = new ArrayList<>();
    private ClaimBinder binder;
    private VolumeReleaser releaser;
    private InUseProtection claimProtection;
    private InUseProtection volumeProtection;

    @BeforeEach
    void start() {
        api = new TestApi(dir);
        Informer claims = api.informer("", "persistentvolumeclaims");
        Informer volumes = api.informer("", "persistentvolumes");
        Informer pods = api.informer("", "pods");
        binder = new ClaimBinder(api.client, claims, volumes, api.informer("storage.k8s.io", "storageclasses"), api.events, queue());
        releaser = new VolumeReleaser(api.client, volumes, claims, api.events, queue());
        claimProtection = InUseProtection.forClaims(api.client, claims, pods, queue());
        volumeProtection = InUseProtection.forVolumes(api.client, volumes, queue());
        api.start();
    }

    private WorkQueue<ObjectKey> queue() {
        WorkQueue<ObjectKey> q = new WorkQueue<>("test", Backoff.DEFAULT, WorkQueue.QueueListener.NONE);
        queues.add(q);
        return q;
    }

    @AfterEach
    void stop() {
        queues.forEach(WorkQueue::close);
        api.close();
    }

    private static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void volume(String name, String size, String extra) {
        api.resource("", "persistentvolumes").create("", yaml("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: %s}
                spec:
                  capacity: {storage: %s}
                  accessModes: [ReadWriteOnce]
                  csi: {driver: block.pier.dev, volumeHandle: h-%s}
                  %s
                """.formatted(name, size, name, extra)));
        api.settle();
    }

    private void claim(String name, String size, String extra) {
        api.create("", "persistentvolumeclaims", yaml("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: %s}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: %s}}
                  %s
                """.formatted(name, size, extra)));
    }

    private ObjectNode claimNamed(String name) {
        return api.resource("", "persistentvolumeclaims").get("default", name);
    }

    private ObjectNode volumeNamed(String name) {
        return api.resource("", "persistentvolumes").get("", name);
    }

    private void bindClaim(String name) throws Exception {
        binder.sync(new ObjectKey(TestApi.CELL, "default", name));
        api.settle();
    }

    private void syncVolume(String name) throws Exception {
        releaser.sync(new ObjectKey(TestApi.CELL, "", name));
        api.settle();
    }

    /** The reasons of the events recorded in default, once all of {@code expected} are there (events are written in the background). */
    private List<String> eventReasons(String... expected) {
        return api.await("events " + List.of(expected), () -> {
            List<String> reasons = new ArrayList<>();
            api.resource("", "events").list("default").forEach(e -> reasons.add(e.path("reason").asText()));
            return reasons.containsAll(List.of(expected)) ? reasons : null;
        });
    }

    @Test
    void aClaimBindsToTheSmallestStaticVolumeThatFits() throws Exception {
        volume("big", "5Gi", "storageClassName: \"\"");
        volume("small", "2Gi", "storageClassName: \"\"");
        volume("tiny", "512Mi", "storageClassName: \"\"");
        volume("other-class", "2Gi", "storageClassName: fast");
        claim("data", "1Gi", "storageClassName: \"\"");

        bindClaim("data");
        ObjectNode claim = claimNamed("data");
        assertThat(claim.path("spec").path("volumeName").asText()).isEqualTo("small");
        assertThat(claim.path("status").path("phase").asText()).isEqualTo("Bound");
        assertThat(claim.path("status").path("capacity").path("storage").asText()).isEqualTo("2Gi");
        assertThat(claim.path("metadata").path("annotations").path(ClaimBinder.BIND_COMPLETED).asText()).isEqualTo("yes");
        assertThat(claim.path("metadata").path("finalizers").toString()).contains(InUseProtection.CLAIM_FINALIZER);
        ObjectNode pv = volumeNamed("small");
        assertThat(pv.path("status").path("phase").asText()).isEqualTo("Bound");
        assertThat(pv.path("spec").path("claimRef").path("uid").asText()).isEqualTo(claim.path("metadata").path("uid").asText());
        assertThat(pv.path("metadata").path("finalizers").toString()).contains(InUseProtection.VOLUME_FINALIZER);

        claim("greedy", "10Gi", "storageClassName: \"\"");
        bindClaim("greedy");
        assertThat(claimNamed("greedy").path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(eventReasons("FailedBinding")).contains("FailedBinding");
    }

    @Test
    void dynamicClaimsAskTheProvisionerOnceTheirConsumerIsScheduled() throws Exception {
        api.resource("storage.k8s.io", "storageclasses").create("", yaml("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: standard}
                provisioner: block.pier.dev
                volumeBindingMode: WaitForFirstConsumer
                """));
        api.settle();
        claim("later", "1Gi", "storageClassName: standard");
        bindClaim("later");
        assertThat(claimNamed("later").path("metadata").path("annotations").has(ClaimBinder.STORAGE_PROVISIONER))
                .as("no provisioning before the scheduler picks a node").isFalse();

        ObjectNode chosen = claimNamed("later");
        chosen.withObject("/metadata/annotations").put(ClaimBinder.SELECTED_NODE, "node-1");
        api.resource("", "persistentvolumeclaims").update(chosen);
        api.settle();
        bindClaim("later");
        ObjectNode claim = claimNamed("later");
        assertThat(claim.path("metadata").path("annotations").path(ClaimBinder.STORAGE_PROVISIONER).asText()).isEqualTo("block.pier.dev");
        assertThat(claim.path("status").path("phase").asText()).isEqualTo("Pending");

        // the provisioner's volume, pre-bound to the claim, is bound at the next sync
        volume("pvc-" + claim.path("metadata").path("uid").asText(), "1Gi", """
                storageClassName: standard
                  claimRef: {kind: PersistentVolumeClaim, namespace: default, name: later, uid: %s}
                """.formatted(claim.path("metadata").path("uid").asText()));
        bindClaim("later");
        assertThat(claimNamed("later").path("status").path("phase").asText()).isEqualTo("Bound");
        assertThat(eventReasons("WaitForFirstConsumer", "ExternalProvisioning")).contains("WaitForFirstConsumer", "ExternalProvisioning");
    }

    @Test
    void aDeletedClaimWaitsForItsPodsThenReleasesItsVolume() throws Exception {
        volume("keep", "1Gi", "storageClassName: \"\"\n  persistentVolumeReclaimPolicy: Retain");
        claim("data", "1Gi", "storageClassName: \"\"");
        bindClaim("data");
        api.create("", "pods", yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: user}
                spec:
                  containers: [{name: c, image: busybox}]
                  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
                """));
        api.resource("", "persistentvolumeclaims").delete("default", "data", DeleteOptions.defaults());
        api.settle();
        ObjectKey claimKey = new ObjectKey(TestApi.CELL, "default", "data");
        claimProtection.sync(claimKey);
        api.settle();
        assertThat(claimNamed("data").path("metadata").path("finalizers").toString())
                .as("a pod still uses the claim").contains(InUseProtection.CLAIM_FINALIZER);

        ObjectNode pod = api.resource("", "pods").get("default", "user");
        pod.withObject("/status").put("phase", "Succeeded");
        api.resource("", "pods").updateStatus(pod);
        api.settle();
        claimProtection.sync(claimKey);
        api.settle();
        assertThat(api.resource("", "persistentvolumeclaims").find("default", "data")).isEmpty();

        syncVolume("keep");
        ObjectNode pv = volumeNamed("keep");
        assertThat(pv.path("status").path("phase").asText()).isEqualTo("Released");
        assertThat(pv.path("spec").path("claimRef").path("name").asText()).as("Retain keeps the claimRef").isEqualTo("data");

        // an administrator clears the claimRef: the volume is Available again and a new claim binds it
        ObjectNode freed = pv.deepCopy();
        ((ObjectNode) freed.path("spec")).remove("claimRef");
        api.resource("", "persistentvolumes").update(freed);
        api.settle();
        syncVolume("keep");
        assertThat(volumeNamed("keep").path("status").path("phase").asText()).isEqualTo("Available");
        claim("again", "1Gi", "storageClassName: \"\"");
        bindClaim("again");
        assertThat(claimNamed("again").path("spec").path("volumeName").asText()).isEqualTo("keep");

        // a volume is deleted only once it is no longer Bound
        api.resource("", "persistentvolumes").delete("", "keep", DeleteOptions.defaults());
        api.settle();
        volumeProtection.sync(new ObjectKey(TestApi.CELL, "", "keep"));
        api.settle();
        JsonNode stillThere = volumeNamed("keep");
        assertThat(stillThere.path("metadata").path("finalizers").toString()).contains(InUseProtection.VOLUME_FINALIZER);
    }
}
