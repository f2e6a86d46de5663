package dev.pier.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.UpdateScope;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.resources.Harness;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The claim admission plugins through a real cell's stores on SQLite. */
class ClaimAdmissionTest {
    @TempDir
    static Path dir;
    static SqliteStore kv;
    static Cells cells;
    static Cell cell;

    @BeforeAll
    static void start() {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, Clock.systemUTC(), TokenFile.empty());
        cell = cells.management();
    }

    @AfterAll
    static void stop() {
        cells.close();
        kv.close();
    }

    private static ResourceStore store(String group, String resource) {
        return cell.store(cell.registry().find(group, "v1", resource).orElseThrow());
    }

    private static ObjectNode create(String group, String resource, String namespace, String yaml) {
        return store(group, resource).create(namespace, Harness.yaml(yaml), WriteOptions.defaults());
    }

    private static ObjectNode claim(String name, String classLine) {
        return create("", "persistentvolumeclaims", "default", """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: %s}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                  %s
                """.formatted(name, classLine));
    }

    @Test
    void claimsWithoutAClassGetTheDefaultOneAndGrowOnlyWhereTheClassAllows() {
        ObjectNode before = claim("early", "");
        assertThat(before.path("spec").has("storageClassName")).as("no default class yet").isFalse();

        create("storage.k8s.io", "storageclasses", "", """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
                provisioner: block.pier.dev
                allowVolumeExpansion: true
                """);
        create("storage.k8s.io", "storageclasses", "", """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: fixed}
                provisioner: block.pier.dev
                """);
        assertThat(claim("plain", "").path("spec").path("storageClassName").asText()).isEqualTo("standard");
        assertThat(claim("none", "storageClassName: \"\"").path("spec").path("storageClassName").asText())
                .as("an explicit empty class is kept").isEmpty();
        assertThat(claim("chosen", "storageClassName: fixed").path("spec").path("storageClassName").asText()).isEqualTo("fixed");

        bind("plain", "standard");
        bind("chosen", "fixed");
        assertThat(grow("plain").path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("2Gi");
        assertThatThrownBy(() -> grow("chosen")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.getMessage()).contains("persistentvolumeclaims \"chosen\" is forbidden: only dynamically provisioned pvc can be resized");
        });
    }

    /** Binds a claim to a new PV of its class, as the PV controller would. */
    private static void bind(String claim, String storageClass) {
        create("", "persistentvolumes", "", """
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: pv-%s}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  storageClassName: %s
                  csi: {driver: block.pier.dev, volumeHandle: v-%s}
                """.formatted(claim, storageClass, claim));
        ResourceStore claims = store("", "persistentvolumeclaims");
        claims.guaranteedUpdate("default", claim, "", UpdateScope.OBJECT, WriteOptions.defaults(), c -> {
            c.withObject("/spec").put("volumeName", "pv-" + claim);
            return c;
        });
        claims.guaranteedUpdate("default", claim, "", UpdateScope.STATUS, WriteOptions.defaults(), c -> {
            c.withObject("/status").put("phase", "Bound");
            return c;
        });
    }

    private static ObjectNode grow(String claim) {
        return store("", "persistentvolumeclaims").guaranteedUpdate("default", claim, "", UpdateScope.OBJECT, WriteOptions.defaults(), c -> {
            c.withObject("/spec/resources/requests").put("storage", "2Gi");
            return c;
        });
    }
}
