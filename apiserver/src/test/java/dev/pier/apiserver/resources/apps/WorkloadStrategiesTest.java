package dev.pier.apiserver.resources.apps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.table.Column;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static org.assertj.core.api.Assertions.assertThat;

class WorkloadStrategiesTest {
    private final DeploymentStrategy deployments = new DeploymentStrategy();
    private final ReplicaSetStrategy replicaSets = new ReplicaSetStrategy();
    private final StatefulSetStrategy statefulSets = new StatefulSetStrategy();
    private final DaemonSetStrategy daemonSets = new DaemonSetStrategy();

    private static final String WEB = """
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: nginx, image: "nginx:1.27"}, {name: sidecar, image: busybox}]}
            """;

    @Test
    void deploymentDefaults() {
        ObjectNode d = created(deployments, WEB);
        ObjectNode spec = (ObjectNode) d.get("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(1);
        assertThat(spec.path("strategy").toString())
                .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}");
        assertThat(spec.path("revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(600);
        ObjectNode pod = (ObjectNode) spec.path("template").path("spec");
        assertThat(pod.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(pod.path("containers").get(0).path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(pod.has("enableServiceLinks")).as("pod-only defaults stay off templates").isFalse();
        assertThat(pod.has("serviceAccountName")).isFalse();
        assertThat(spec.path("template").path("metadata").has("creationTimestamp")).isTrue();
        assertThat(createErrors(deployments, WEB)).isEmpty();
    }

    @Test
    void deploymentValidation() {
        assertThat(createErrors(deployments, """
                spec:
                  replicas: -1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: api}}
                    spec: {restartPolicy: Never, containers: [{name: c}]}
                """)).containsExactly(
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.metadata.labels: Invalid value: {\"app\":\"api\"}: `selector` does not match template `labels`",
                "spec.template.spec.containers[0].image: Required value",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
        assertThat(createErrors(deployments, "spec: {template: {spec: {containers: [{name: c, image: i}]}}}"))
                .containsExactly("spec.selector: Required value");
        assertThat(createErrors(deployments, """
                spec:
                  selector: {matchLabels: {app: web}}
                  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}
                  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}
                """)).containsExactly("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0");
    }

    @Test
    void selectorIsImmutable() {
        ObjectNode old = created(deployments, WEB);
        ObjectNode scaled = old.deepCopy();
        scaled.withObject("/spec").put("replicas", 3);
        assertThat(updateErrors(deployments, old, scaled)).isEmpty();
        ObjectNode reselected = old.deepCopy();
        reselected.withObject("/spec/selector/matchLabels").put("tier", "fe");
        reselected.withObject("/spec/template/metadata/labels").put("tier", "fe");
        assertThat(updateErrors(deployments, old, reselected))
                .containsExactly("spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\",\"tier\":\"fe\"}}: field is immutable");
    }

    @Test
    void tables() {
        ObjectNode d = created(deployments, WEB);
        d.withObject("/spec").put("replicas", 3);
        d.withObject("/status").put("readyReplicas", 2).put("updatedReplicas", 3).put("availableReplicas", 2);
        assertThat(deployments.table().columns()).extracting(Column::name)
                .containsExactly("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector");
        assertThat(row(deployments.table(), d)).containsEntry("Ready", "2/3").containsEntry("Up-to-date", "3")
                .containsEntry("Available", "2").containsEntry("Containers", "nginx,sidecar")
                .containsEntry("Images", "nginx:1.27,busybox").containsEntry("Selector", "app=web");
        assertThat(row(replicaSets.table(), created(replicaSets, WEB))).containsEntry("Desired", "1").containsEntry("Current", "0");
        ObjectNode sts = created(statefulSets, WEB);
        assertThat(statefulSets.table().columns()).extracting(Column::name).containsExactly("Name", "Ready", "Age", "Containers", "Images");
        assertThat(row(statefulSets.table(), sts)).containsEntry("Ready", "0/1");
        ObjectNode ds = created(daemonSets, WEB.replace("spec: {containers", "spec: {nodeSelector: {disk: ssd}, containers"));
        assertThat(daemonSets.table().columns()).extracting(Column::name).containsExactly("Name", "Desired", "Current", "Ready",
                "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector");
        assertThat(row(daemonSets.table(), ds)).containsEntry("Node Selector", "disk=ssd").containsEntry("Desired", "0");
        assertThat(replicaSets.fieldSelectors().get("status.replicas").apply(created(replicaSets, WEB))).isEqualTo("0");
    }

    @Test
    void statefulSetsAndDaemonSets() {
        ObjectNode sts = created(statefulSets, WEB + "  volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce]}}]\n");
        assertThat(sts.path("spec").path("podManagementPolicy").asText()).isEqualTo("OrderedReady");
        assertThat(sts.path("spec").path("updateStrategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}");
        assertThat(sts.path("spec").path("volumeClaimTemplates").get(0).path("status").path("phase").asText()).isEqualTo("Pending");
        ObjectNode renamed = sts.deepCopy();
        renamed.withObject("/spec").put("serviceName", "other");
        assertThat(updateErrors(statefulSets, sts, renamed)).singleElement().asString()
                .startsWith("spec: Forbidden: updates to statefulset spec for fields other than 'replicas'");
        ObjectNode ds = created(daemonSets, WEB);
        assertThat(ds.path("spec").path("updateStrategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}");
        assertThat(createErrors(daemonSets, WEB.replace("{matchLabels: {app: web}}", "{}")))
                .containsExactly("spec.selector: Invalid value: {}: empty selector is invalid for daemonset");
    }

    @Test
    void daemonSetsCountTemplateChangesInTheirAnnotation() {
        ObjectNode ds = created(daemonSets, WEB);
        assertThat(ds.at("/metadata/annotations/deprecated.daemonset.template.generation").asText()).isEqualTo("1");
        ObjectNode relabelled = ds.deepCopy();
        relabelled.withObject("/metadata/labels").put("tier", "edge");
        relabelled.withObject("/metadata/annotations").put("deprecated.daemonset.template.generation", "7");
        daemonSets.prepareForUpdate(relabelled, ds);
        assertThat(relabelled.at("/metadata/annotations/deprecated.daemonset.template.generation").asText())
                .as("clients cannot set it, and only template changes count").isEqualTo("1");
        ObjectNode reimaged = ds.deepCopy();
        ((ObjectNode) reimaged.at("/spec/template/spec/containers/0")).put("image", "nginx:1.28");
        daemonSets.prepareForUpdate(reimaged, ds);
        assertThat(reimaged.at("/metadata/annotations/deprecated.daemonset.template.generation").asText()).isEqualTo("2");
    }

    @Test
    void controllerRevisions() {
        ControllerRevisionStrategy revisions = new ControllerRevisionStrategy();
        ObjectNode cr = created(revisions, """
                metadata: {ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: u, controller: true}]}
                data: {spec: {}}
                revision: 2
                """);
        assertThat(row(revisions.table(), cr)).containsEntry("Controller", "statefulset.apps/web").containsEntry("Revision", "2");
        assertThat(createErrors(revisions, "revision: -1")).containsExactly("data: Required value: data is mandatory",
                "revision: Invalid value: -1: must be greater than or equal to 0");
    }
}
