package dev.pier.apiserver.resources.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static org.assertj.core.api.Assertions.assertThat;

class StorageKindsTest {
    @Test
    void volumeAttachments() {
        ObjectNode va = created(StorageKinds.VOLUME_ATTACHMENTS,
                "spec: {attacher: block.pier.dev, nodeName: n1, source: {persistentVolumeName: pv1}}\nstatus: {attached: true}");
        assertThat(va.has("status")).as("status comes from the status subresource only").isFalse();
        assertThat(row(StorageKinds.VOLUME_ATTACHMENTS.table(), va)).containsEntry("Attacher", "block.pier.dev")
                .containsEntry("PV", "pv1").containsEntry("Node", "n1").containsEntry("Attached", "false");
        assertThat(createErrors(StorageKinds.VOLUME_ATTACHMENTS, "spec: {source: {}}")).containsExactly(
                "spec.attacher: Required value", "spec.nodeName: Required value",
                "spec.source: Forbidden: must specify exactly one of inlineVolumeSpec and persistentVolumeName");
        ObjectNode moved = va.deepCopy();
        moved.withObject("/spec").put("nodeName", "n2");
        assertThat(updateErrors(StorageKinds.VOLUME_ATTACHMENTS, va, moved)).singleElement().asString().startsWith("spec: Invalid value");
    }

    @Test
    void csiNodesAndDrivers() {
        assertThat(createErrors(StorageKinds.CSI_NODES, "spec: {drivers: [{name: block.pier.dev, nodeID: n1, allocatable: {count: 32}}, {name: block.pier.dev}]}"))
                .containsExactly("spec.drivers[1].name: Duplicate value: \"block.pier.dev\"", "spec.drivers[1].nodeID: Required value");
        ObjectNode driver = created(StorageKinds.CSI_DRIVERS, "metadata: {name: block.pier.dev}\nspec: {}");
        assertThat(driver.path("spec").path("attachRequired").asBoolean()).isTrue();
        assertThat(driver.path("spec").path("fsGroupPolicy").asText()).isEqualTo("ReadWriteOnceWithFSType");
        ObjectNode changed = driver.deepCopy();
        changed.withObject("/spec").put("attachRequired", false);
        assertThat(updateErrors(StorageKinds.CSI_DRIVERS, driver, changed)).singleElement().asString().startsWith("spec.attachRequired: Invalid value");
    }
}
