package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.coordination.LeaseStrategy;
import dev.pier.apiserver.resources.discovery.EndpointSliceStrategy;
import dev.pier.apiserver.resources.events.EventsV1Strategy;
import dev.pier.apiserver.resources.policy.PodDisruptionBudgetStrategy;
import dev.pier.apiserver.resources.rbac.RbacStrategies;
import dev.pier.apiserver.resources.storage.StorageClassStrategy;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static org.assertj.core.api.Assertions.assertThat;

class OtherKindsTest {

    @Test
    void storageClasses() {
        StorageClassStrategy classes = new StorageClassStrategy();
        ObjectNode sc = created(classes, """
                metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
                provisioner: rancher.io/local-path
                """);
        assertThat(sc.path("reclaimPolicy").asText()).isEqualTo("Delete");
        assertThat(sc.path("volumeBindingMode").asText()).isEqualTo("Immediate");
        assertThat(row(classes.table(), sc)).containsEntry("Name", "standard (default)").containsEntry("Provisioner", "rancher.io/local-path")
                .containsEntry("ReclaimPolicy", "Delete").containsEntry("VolumeBindingMode", "Immediate").containsEntry("AllowVolumeExpansion", "false");
        assertThat(createErrors(classes, "metadata: {name: x}")).containsExactly("provisioner: Required value");
        ObjectNode changed = sc.deepCopy().put("provisioner", "other.io/x");
        assertThat(updateErrors(classes, sc, changed)).containsExactly("provisioner: Forbidden: updates to provisioner are forbidden.");
    }

    @Test
    void disruptionBudgets() {
        PodDisruptionBudgetStrategy pdbs = new PodDisruptionBudgetStrategy();
        ObjectNode pdb = created(pdbs, "spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}");
        assertThat(row(pdbs.table(), pdb)).containsEntry("Min Available", "2").containsEntry("Max Unavailable", "N/A")
                .containsEntry("Allowed Disruptions", "0");
        assertThat(pdb.path("status").path("expectedPods").asInt()).isZero();
        assertThat(createErrors(pdbs, "spec: {minAvailable: 1, maxUnavailable: 50%}"))
                .singleElement().asString().endsWith("minAvailable and maxUnavailable cannot be both set");
        assertThat(createErrors(pdbs, "spec: {maxUnavailable: 150%}"))
                .containsExactly("spec.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%");
    }

    @Test
    void rbac() {
        assertThat(createErrors(RbacStrategies.ROLES, "rules: [{verbs: [get]}, {verbs: [get], nonResourceURLs: [/healthz]}]")).containsExactly(
                "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[0].resources: Required value: resource rules must supply at least one resource",
                "rules[1].nonResourceURLs: Invalid value: [\"/healthz\"]: namespaced rules cannot apply to non-resource URLs");
        assertThat(createErrors(RbacStrategies.CLUSTER_ROLES, "rules: [{verbs: [get], nonResourceURLs: [/healthz]}]")).isEmpty();
        assertThat(createErrors(RbacStrategies.CLUSTER_ROLE_BINDINGS, "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\n"
                + "subjects: [{kind: ServiceAccount, name: sa}]")).containsExactly(
                "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"", "subjects[0].namespace: Required value");
        assertThat(createErrors(RbacStrategies.ROLE_BINDINGS, "metadata: {name: x}")).containsExactly(
                "roleRef.apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"",
                "roleRef.kind: Unsupported value: \"\": supported values: \"Role\", \"ClusterRole\"", "roleRef.name: Required value");
        ObjectNode rb = created(RbacStrategies.ROLE_BINDINGS, """
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
                - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
                - {kind: ServiceAccount, name: ci, namespace: tools}
                - {kind: User, name: joe, apiGroup: rbac.authorization.k8s.io}
                """);
        assertThat(row(RbacStrategies.ROLE_BINDINGS.table(), rb)).containsEntry("Role", "ClusterRole/view").containsEntry("Users", "jane, joe")
                .containsEntry("Groups", "devs").containsEntry("ServiceAccounts", "tools:ci");
        ObjectNode rebound = rb.deepCopy();
        rebound.withObject("/roleRef").put("name", "edit");
        assertThat(updateErrors(RbacStrategies.ROLE_BINDINGS, rb, rebound)).singleElement().asString()
                .startsWith("roleRef: Invalid value:").endsWith("cannot change roleRef");
        assertThat(row(RbacStrategies.ROLES.table(), created(RbacStrategies.ROLES, "rules: []"))).containsEntry("Created At", "2024-05-01T10:00:00Z");
    }

    @Test
    void leasesAndSlices() {
        assertThat(row(LeaseStrategy.LEASES.table(), created(LeaseStrategy.LEASES, "spec: {holderIdentity: n1}"))).containsEntry("Holder", "n1");
        assertThat(createErrors(LeaseStrategy.LEASES, "spec: {leaseDurationSeconds: 0}"))
                .containsExactly("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
        EndpointSliceStrategy slices = new EndpointSliceStrategy();
        ObjectNode slice = created(slices, """
                addressType: IPv4
                ports: [{port: 80}]
                endpoints: [{addresses: [10.0.0.1]}, {addresses: [10.0.0.2]}, {addresses: [10.0.0.3]}, {addresses: [10.0.0.4]}]
                """);
        assertThat(slice.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        assertThat(row(slices.table(), slice)).containsEntry("AddressType", "IPv4").containsEntry("Ports", "80")
                .containsEntry("Endpoints", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...");
        assertThat(row(slices.table(), created(slices, "addressType: IPv4"))).containsEntry("Ports", "<unset>").containsEntry("Endpoints", "<unset>");
        assertThat(createErrors(slices, "addressType: IPv5"))
                .containsExactly("addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");
        assertThat(createErrors(slices, "metadata: {name: s}")).containsExactly("addressType: Required value");
    }

    @Test
    void eventsV1() {
        EventsV1Strategy events = new EventsV1Strategy();
        String ok = """
                metadata: {name: e, namespace: default}
                eventTime: "2024-05-01T10:00:00.000000Z"
                regarding: {kind: Pod, name: web, namespace: default}
                reason: Scheduled
                note: Successfully assigned default/web to n1
                type: Normal
                action: Binding
                reportingController: default-scheduler
                reportingInstance: default-scheduler-n1
                """;
        assertThat(createErrors(events, ok)).isEmpty();
        assertThat(row(events.table(), created(events, ok))).containsEntry("Object", "pod/web").containsEntry("Reason", "Scheduled")
                .containsEntry("Message", "Successfully assigned default/web to n1").containsEntry("Source", "default-scheduler, default-scheduler-n1");
        assertThat(createErrors(events, ok.replace("type: Normal", "type: Odd"))).containsExactly("type: Invalid value: \"\": has invalid value: Odd");
        assertThat(events.fieldSelectors()).containsKeys("regarding.name", "reportingController", "type");
    }
}
