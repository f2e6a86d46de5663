package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Harness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static dev.pier.apiserver.resources.Harness.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class PodStrategyTest {
    private final PodStrategy pods = new PodStrategy();

    private static final String NGINX = """
            metadata: {name: web}
            spec:
              containers:
              - name: web
                image: nginx
                ports: [{containerPort: 80}]
                resources: {limits: {cpu: "0.5", memory: 1024Mi}}
              volumes:
              - name: cfg
                configMap: {name: cfg}
              - name: scratch
            """;

    @Test
    void defaultsAsKubernetesWritesThem() {
        ObjectNode pod = created(pods, NGINX);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        assertThat(spec.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(spec.path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(spec.path("schedulerName").asText()).isEqualTo("default-scheduler");
        assertThat(spec.path("securityContext").isObject()).isTrue();
        assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo("default");
        assertThat(spec.path("enableServiceLinks").asBoolean()).isTrue();
        assertThat(spec.path("priority").asInt()).isZero();
        assertThat(spec.path("tolerations")).hasSize(2);
        assertThat(spec.path("tolerations").get(0).path("key").asText()).isEqualTo("node.kubernetes.io/not-ready");
        ObjectNode c = (ObjectNode) spec.path("containers").get(0);
        assertThat(c.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(c.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
        assertThat(c.path("terminationMessagePolicy").asText()).isEqualTo("File");
        assertThat(c.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        // quantities read back canonical; requests default to limits on pods
        assertThat(c.path("resources").path("limits").path("cpu").asText()).isEqualTo("500m");
        assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("1Gi");
        assertThat(c.path("resources").path("requests").path("memory").asText()).isEqualTo("1Gi");
        assertThat(spec.path("volumes").get(0).path("configMap").path("defaultMode").asInt()).isEqualTo(420);
        assertThat(spec.path("volumes").get(1).has("emptyDir")).isTrue();
        assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(pod.path("status").path("qosClass").asText()).isEqualTo("Guaranteed");
    }

    @Test
    void pullPolicyFollowsTheTag() {
        assertThat(PodDefaults.pullPolicy("nginx")).isEqualTo("Always");
        assertThat(PodDefaults.pullPolicy("nginx:latest")).isEqualTo("Always");
        assertThat(PodDefaults.pullPolicy("nginx:1.27")).isEqualTo("IfNotPresent");
        assertThat(PodDefaults.pullPolicy("registry:5000/app")).isEqualTo("Always");
        assertThat(PodDefaults.pullPolicy("registry:5000/app@sha256:abc")).isEqualTo("IfNotPresent");
    }

    @Test
    void qosClasses() {
        assertThat(Resources.qosClass(yaml("containers: [{name: a, image: i}]"))).isEqualTo("BestEffort");
        assertThat(Resources.qosClass(yaml("containers: [{name: a, image: i, resources: {requests: {cpu: 100m}}}]")))
                .isEqualTo("Burstable");
    }

    @Test
    void validationNamesTheField() {
        assertThat(createErrors(pods, "spec: {containers: []}")).containsExactly("spec.containers: Required value");
        assertThat(createErrors(pods, """
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - {name: Web, image: ""}
                  - name: web
                    image: nginx
                    ports: [{containerPort: 70000}, {containerPort: 80, protocol: HTTP}]
                  - {name: web, image: nginx, volumeMounts: [{name: data, mountPath: /data}]}
                """)).containsExactly(
                "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
                        + "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.containers[0].image: Required value",
                "spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[1].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.containers[2].name: Duplicate value: \"web\"",
                "spec.containers[2].volumeMounts[0].name: Not found: \"data\"",
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
    }

    @Test
    void resourcesAreChecked() {
        assertThat(createErrors(pods, """
                spec:
                  containers:
                  - name: a
                    image: i
                    resources:
                      requests: {cpu: "2", memory: 12XB}
                      limits: {cpu: "1", gpu: "1"}
                """)).containsExactlyInAnyOrder(
                "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                "spec.containers[0].resources.requests[memory]: Invalid value: \"12XB\": " + dev.pier.apiserver.resources.Quantity.FORMAT_ERROR,
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1");
        assertThat(createErrors(pods, "spec: {containers: [{name: a, image: i, resources: {requests: {cpu: \"-1\"}}}]}"))
                .containsExactly("spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0");
    }

    @Test
    void onlyImagesAndAFewFieldsMayChange() {
        ObjectNode old = created(pods, NGINX);
        ObjectNode newImage = old.deepCopy();
        ((ObjectNode) newImage.path("spec").path("containers").get(0)).put("image", "nginx:1.27");
        assertThat(updateErrors(pods, old, newImage)).isEmpty();

        ObjectNode newPolicy = old.deepCopy();
        ((ObjectNode) newPolicy.get("spec")).put("restartPolicy", "Never");
        assertThat(updateErrors(pods, old, newPolicy)).singleElement().asString()
                .startsWith("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,")
                .contains("- \tRestartPolicy: \"Always\",\n+ \tRestartPolicy: \"Never\",");

        ObjectNode extraContainer = old.deepCopy();
        extraContainer.withArray("/spec/containers").addObject().put("name", "b").put("image", "busybox");
        assertThat(updateErrors(pods, old, extraContainer)).containsExactly("spec.containers: Forbidden: pod updates may not add or remove containers");

        ObjectNode lostToleration = old.deepCopy();
        ((ObjectNode) lostToleration.get("spec")).remove("tolerations");
        assertThat(updateErrors(pods, old, lostToleration))
                .containsExactly("spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");

        ObjectNode moreToleration = old.deepCopy();
        moreToleration.withArray("/spec/tolerations").addObject().put("key", "k").put("operator", "Exists");
        assertThat(updateErrors(pods, old, moreToleration)).isEmpty();
    }

    @Test
    void statusColumn() {
        String now = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        assertThat(row(PodTable.TABLE, created(pods, NGINX))).containsEntry("Ready", "0/1").containsEntry("Status", "Pending")
                .containsEntry("Restarts", "0").containsEntry("IP", "<none>").containsEntry("Readiness Gates", "<none>");
        assertThat(status("""
                spec: {containers: [{name: a}, {name: b}]}
                status:
                  phase: Running
                  podIP: 10.244.0.5
                  containerStatuses:
                  - {name: a, ready: true, restartCount: 2, state: {running: {}}, lastState: {terminated: {finishedAt: "%s"}}}
                  - {name: b, ready: true, restartCount: 0, state: {running: {}}}
                """.formatted(now)))
                .containsEntry("Ready", "2/2").containsEntry("Status", "Running").containsEntry("Restarts", "2 (20m ago)")
                .containsEntry("IP", "10.244.0.5");
        assertThat(status("""
                spec: {containers: [{name: a}]}
                status: {phase: Pending, containerStatuses: [{name: a, ready: false, state: {waiting: {reason: ImagePullBackOff}}}]}
                """)).containsEntry("Status", "ImagePullBackOff").containsEntry("Ready", "0/1");
        assertThat(status("""
                spec: {containers: [{name: a}]}
                status: {phase: Running, containerStatuses: [{name: a, state: {terminated: {exitCode: 137}}}]}
                """)).containsEntry("Status", "ExitCode:137");
        assertThat(status("""
                spec: {initContainers: [{name: i}, {name: j}], containers: [{name: a}]}
                status:
                  phase: Pending
                  initContainerStatuses:
                  - {name: i, state: {terminated: {exitCode: 0, reason: Completed}}}
                  - {name: j, state: {running: {}}}
                """)).containsEntry("Status", "Init:1/2");
        assertThat(status("""
                spec: {initContainers: [{name: i}], containers: [{name: a}]}
                status: {phase: Pending, initContainerStatuses: [{name: i, state: {waiting: {reason: CrashLoopBackOff}}}]}
                """)).containsEntry("Status", "Init:CrashLoopBackOff");
        assertThat(status("""
                metadata: {deletionTimestamp: "2024-05-01T10:00:00Z"}
                spec: {containers: [{name: a}]}
                status: {phase: Running}
                """)).containsEntry("Status", "Terminating");
        assertThat(status("""
                spec: {containers: [{name: a}]}
                status: {phase: Failed, reason: Evicted}
                """)).containsEntry("Status", "Evicted");
        assertThat(status("""
                spec: {containers: [{name: a}], readinessGates: [{conditionType: x}], nodeName: n1}
                status: {phase: Running, conditions: [{type: x, status: "True"}]}
                """)).containsEntry("Readiness Gates", "1/1").containsEntry("Node", "n1");
    }

    private static java.util.Map<String, String> status(String yaml) {
        ObjectNode pod = yaml(yaml);
        pod.withObject("/metadata").put("name", "p").put("creationTimestamp", "2024-05-01T10:00:00Z");
        return row(PodTable.TABLE, pod);
    }
}
