package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static org.assertj.core.api.Assertions.assertThat;

class NodeAndVolumeTest {
    private final NodeStrategy nodes = new NodeStrategy();
    private final PersistentVolumeStrategy pvs = new PersistentVolumeStrategy();
    private final PersistentVolumeClaimStrategy pvcs = new PersistentVolumeClaimStrategy();

    @Test
    void nodeColumns() {
        ObjectNode node = created(nodes, """
                metadata:
                  name: n1
                  labels: {node-role.kubernetes.io/control-plane: "", node-role.kubernetes.io/etcd: "", kubernetes.io/role: infra}
                spec: {unschedulable: true}
                status:
                  capacity: {cpu: "4", memory: 8192Mi}
                  conditions: [{type: MemoryPressure, status: "False"}, {type: Ready, status: "True"}]
                  addresses: [{type: InternalIP, address: 10.0.0.5}, {type: Hostname, address: n1}]
                  nodeInfo: {kubeletVersion: v1.32.0, osImage: Debian, kernelVersion: 6.1.0, containerRuntimeVersion: containerd://1.7}
                """);
        assertThat(node.path("status").path("allocatable").path("memory").asText()).as("status kept on create, allocatable from capacity").isEqualTo("8Gi");
        assertThat(row(nodes.table(), node)).containsEntry("Status", "Ready,SchedulingDisabled")
                .containsEntry("Roles", "control-plane,etcd,infra").containsEntry("Version", "v1.32.0")
                .containsEntry("Internal-IP", "10.0.0.5").containsEntry("External-IP", "<none>")
                .containsEntry("Container-Runtime", "containerd://1.7");
        assertThat(NodeStrategy.status(created(nodes, "status: {conditions: [{type: Ready, status: Unknown}]}"))).isEqualTo("NotReady");
        assertThat(NodeStrategy.status(created(nodes, "spec: {}"))).isEqualTo("Unknown");
        assertThat(NodeStrategy.roles(created(nodes, "spec: {}"))).isEqualTo("<none>");
        assertThat(nodes.fieldSelectors().get("spec.unschedulable").apply(node)).isEqualTo("true");
        assertThat(createErrors(nodes, "spec: {taints: [{key: a, effect: NoSchedule}, {key: a, effect: NoSchedule}, {key: b}]}"))
                .containsExactly("spec.taints[1]: Duplicate value: {\"key\":\"a\",\"effect\":\"NoSchedule\"}: taints must be unique by key and effect pair",
                        "spec.taints[2].effect: Required value");
    }

    @Test
    void persistentVolumes() {
        ObjectNode pv = created(pvs, "spec: {capacity: {storage: 10240Mi}, accessModes: [ReadWriteOnce, ReadOnlyMany], hostPath: {path: /data}, claimRef: {namespace: ns, name: c}, storageClassName: fast}");
        assertThat(pv.path("spec").path("persistentVolumeReclaimPolicy").asText()).isEqualTo("Retain");
        assertThat(pv.path("spec").path("volumeMode").asText()).isEqualTo("Filesystem");
        assertThat(pv.path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(row(pvs.table(), pv)).containsEntry("Capacity", "10Gi").containsEntry("Access Modes", "RWO,ROX")
                .containsEntry("Reclaim Policy", "Retain").containsEntry("Status", "Pending").containsEntry("Claim", "ns/c")
                .containsEntry("StorageClass", "fast").containsEntry("VolumeAttributesClass", "<unset>").containsEntry("VolumeMode", "Filesystem");
        assertThat(createErrors(pvs, "spec: {}")).containsExactly("spec.accessModes: Required value", "spec.capacity: Required value",
                "spec: Required value: must specify a volume type");
        ObjectNode moved = pv.deepCopy();
        moved.withObject("/spec/hostPath").put("path", "/elsewhere");
        assertThat(updateErrors(pvs, pv, moved)).singleElement().asString()
                .startsWith("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation");
    }

    @Test
    void claims() {
        ObjectNode pvc = created(pvcs, "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1024Mi}}}");
        assertThat(pvc.path("spec").path("volumeMode").asText()).isEqualTo("Filesystem");
        assertThat(pvc.path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("1Gi");
        assertThat(row(pvcs.table(), pvc)).containsEntry("Status", "Pending").containsEntry("Volume", "").containsEntry("Capacity", "");
        assertThat(createErrors(pvcs, "spec: {}")).containsExactly(
                "spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value");
        assertThat(createErrors(pvcs, "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 0}}}"))
                .containsExactly("spec.resources[storage]: Invalid value: \"0\": must be greater than zero");
        assertThat(createErrors(pvcs, "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: lots}}}"))
                .singleElement().asString().startsWith("spec.resources.requests[storage]: Invalid value: \"lots\": quantities must match");

        ObjectNode bound = pvc.deepCopy();
        bound.withObject("/spec").put("volumeName", "pv-1");
        assertThat(updateErrors(pvcs, pvc, bound)).as("binding sets volumeName once").isEmpty();
        ObjectNode bigger = pvc.deepCopy();
        bigger.withObject("/spec/resources/requests").put("storage", "2Gi");
        assertThat(updateErrors(pvcs, pvc, bigger)).singleElement().asString()
                .startsWith("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
        ObjectNode boundOld = pvc.deepCopy();
        boundOld.withObject("/status").put("phase", "Bound");
        boundOld.withObject("/spec").put("volumeName", "pv-1");
        ObjectNode grown = boundOld.deepCopy();
        grown.withObject("/spec/resources/requests").put("storage", "2Gi");
        assertThat(updateErrors(pvcs, boundOld, grown)).isEmpty();
        ObjectNode shrunk = boundOld.deepCopy();
        shrunk.withObject("/spec/resources/requests").put("storage", "512Mi");
        assertThat(updateErrors(pvcs, boundOld, shrunk)).containsExactly("spec.resources.requests.storage: Forbidden: field can not be less than previous value");
        boundOld.withObject("/status/capacity").put("storage", "1Gi");
        boundOld.withArray("/status/accessModes").add("ReadWriteOnce");
        assertThat(row(pvcs.table(), boundOld)).containsEntry("Capacity", "1Gi").containsEntry("Access Modes", "RWO").containsEntry("Volume", "pv-1");
    }
}
