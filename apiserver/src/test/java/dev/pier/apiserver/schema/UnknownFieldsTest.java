package dev.pier.apiserver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnknownFieldsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ResourceRegistry REGISTRY = BuiltinResources.registry();

    static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ResourceType type(String group, String resource) {
        return REGISTRY.find(group, "v1", resource).orElseThrow();
    }

    static List<String> unknown(String group, String resource, ObjectNode body) {
        return UnknownFields.findAndPrune(type(group, resource), body);
    }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels: {app: web, "example.com/any-key": "x"}
              annotations: {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
              finalizers: [example.com/f]
              ownerReferences:
              - {apiVersion: v1, kind: ConfigMap, name: owner, uid: 1234, controller: true, blockOwnerDeletion: false}
              managedFields:
              - manager: kubectl
                operation: Update
                apiVersion: apps/v1
                time: "2024-01-02T03:04:05Z"
                fieldsType: FieldsV1
                fieldsV1: {"f:spec": {"f:replicas": {}, ".": {}}}
            spec:
              replicas: 3
              revisionHistoryLimit: 5
              progressDeadlineSeconds: 600
              minReadySeconds: 1
              paused: false
              selector:
                matchLabels: {app: web}
                matchExpressions:
                - {key: tier, operator: In, values: [front]}
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
              template:
                metadata:
                  labels: {app: web}
                  annotations: {a: b}
                spec:
                  serviceAccountName: web
                  terminationGracePeriodSeconds: 30
                  nodeSelector: {kubernetes.io/os: linux, anything: goes}
                  tolerations:
                  - {key: k, operator: Exists, effect: NoSchedule, tolerationSeconds: 10}
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 100
                        podAffinityTerm:
                          topologyKey: kubernetes.io/hostname
                          labelSelector: {matchLabels: {app: web}}
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions: [{key: zone, operator: In, values: [a, b]}]
                  securityContext: {runAsNonRoot: true, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}
                  initContainers:
                  - name: init
                    image: busybox
                    command: [sh, -c, "true"]
                  containers:
                  - name: app
                    image: nginx:1.27
                    imagePullPolicy: IfNotPresent
                    args: [--port=8080]
                    ports:
                    - {name: http, containerPort: 8080, protocol: TCP}
                    env:
                    - {name: A, value: "1"}
                    - name: POD
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - name: SECRET
                      valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}
                    - name: MEM
                      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
                    envFrom:
                    - configMapRef: {name: cm}
                      prefix: CM_
                    resources:
                      limits: {cpu: 500m, memory: 128Mi, nvidia.com/gpu: 1}
                      requests: {cpu: 0.25, memory: 64Mi}
                    livenessProbe:
                      httpGet: {path: /healthz, port: http, httpHeaders: [{name: X, value: y}]}
                      initialDelaySeconds: 5
                      periodSeconds: 10
                    readinessProbe:
                      tcpSocket: {port: 8080}
                    startupProbe:
                      exec: {command: [cat, /tmp/ready]}
                      failureThreshold: 30
                    lifecycle:
                      preStop: {sleep: {seconds: 5}}
                    securityContext:
                      allowPrivilegeEscalation: false
                      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                      readOnlyRootFilesystem: true
                    volumeMounts:
                    - {name: config, mountPath: /etc/config, readOnly: true}
                    - {name: data, mountPath: /data, subPath: x}
                  volumes:
                  - name: config
                    configMap:
                      name: cm
                      items: [{key: a, path: a.conf, mode: 0644}]
                  - name: data
                    emptyDir: {sizeLimit: 1Gi, medium: Memory}
                  - name: secret
                    secret: {secretName: s, defaultMode: 0400}
                  - name: pvc
                    persistentVolumeClaim: {claimName: c}
                  - name: projected
                    projected:
                      sources:
                      - serviceAccountToken: {path: token, expirationSeconds: 3600, audience: api}
                      - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
            status:
              observedGeneration: 1
              replicas: 3
              conditions:
              - {type: Available, status: "True", lastUpdateTime: "2024-01-02T03:04:05Z", lastTransitionTime: "2024-01-02T03:04:05Z", reason: R, message: M}
            """;

    @Test
    void fullDeploymentHasNoUnknownFields() {
        ObjectNode body = yaml(DEPLOYMENT);
        ObjectNode before = body.deepCopy();
        assertThat(unknown("apps", "deployments", body)).isEmpty();
        assertThat(body).isEqualTo(before);
    }

    @Test
    void findsUnknownFieldsAtEveryDepthInBodyOrderAndPrunesThem() {
        ObjectNode body = yaml(DEPLOYMENT);
        body.put("extra", 1);
        ((ObjectNode) body.get("metadata")).put("nmae", "x");
        ((ObjectNode) body.get("spec")).put("replicass", 1);
        ObjectNode podSpec = (ObjectNode) body.at("/spec/template/spec");
        ((ObjectNode) podSpec.at("/containers/0")).put("imagee", "nginx");
        ((ObjectNode) podSpec.at("/containers/0/ports/0")).put("containerPortt", 1);
        ((ObjectNode) podSpec.at("/containers/0/livenessProbe/httpGet")).put("pth", "/");
        ((ObjectNode) podSpec.at("/volumes/0/configMap/items/0")).put("kye", "a");
        ((ObjectNode) podSpec.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0")).put("op", "In");
        ((ObjectNode) body.at("/spec/template/metadata")).put("labelz", "x");
        ((ObjectNode) body.at("/status/conditions/0")).put("since", "x");

        List<String> unknown = unknown("apps", "deployments", body);

        assertThat(unknown).containsExactly(
                "metadata.nmae",
                "spec.template.metadata.labelz",
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].op",
                "spec.template.spec.containers[0].ports[0].containerPortt",
                "spec.template.spec.containers[0].livenessProbe.httpGet.pth",
                "spec.template.spec.containers[0].imagee",
                "spec.template.spec.volumes[0].configMap.items[0].kye",
                "spec.replicass",
                "status.conditions[0].since",
                "extra");
        assertThat(unknown("apps", "deployments", body)).as("pruned").isEmpty();
        assertThat(body.has("extra")).isFalse();
        assertThat(body.at("/spec").has("replicass")).isFalse();
        assertThat(body.at("/spec/template/spec/containers/0").has("imagee")).isFalse();
        assertThat(body.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
    }

    @Test
    void listIndexesCountEveryItem() {
        ObjectNode body = yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - {name: a, image: x}
                  - {name: b, image: y, imagee: z}
                """);
        assertThat(unknown("", "pods", body)).containsExactly("spec.containers[1].imagee");
    }

    @Test
    void fieldNamesAreCaseSensitive() {
        ObjectNode body = yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {Replicas: 1}}");
        assertThat(unknown("apps", "deployments", body)).containsExactly("spec.Replicas");
    }

    @Test
    void mapsAcceptAnyKeyAndFreeFormValuesAcceptAnything() {
        ObjectNode cm = yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c, labels: {x: y}, annotations: {"a/b": c}}
                data: {anything: goes, "with.dots": "x"}
                binaryData: {b: aGVsbG8=}
                """);
        assertThat(unknown("", "configmaps", cm)).isEmpty();

        ObjectNode secret = yaml("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                type: Opaque
                data: {password: cGFzcw==}
                stringData: {user: admin}
                immutable: true
                """);
        assertThat(unknown("", "secrets", secret)).isEmpty();

        ObjectNode revision = yaml("""
                apiVersion: apps/v1
                kind: ControllerRevision
                metadata: {name: r}
                revision: 2
                data: {spec: {template: {whatever: {nested: [1, 2, {deep: true}]}}}}
                """);
        assertThat(unknown("apps", "controllerrevisions", revision)).isEmpty();
    }

    @Test
    void intOrStringAndQuantityAcceptIntsAndStrings() {
        ObjectNode svc = yaml("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  type: ClusterIP
                  selector: {app: web}
                  ports:
                  - {name: http, port: 80, targetPort: http, protocol: TCP}
                  - {name: grpc, port: 90, targetPort: 9090, appProtocol: grpc}
                  sessionAffinity: ClientIP
                  sessionAffinityConfig: {clientIP: {timeoutSeconds: 100}}
                  ipFamilyPolicy: SingleStack
                  ipFamilies: [IPv4]
                status:
                  loadBalancer:
                    ingress: [{ip: 1.2.3.4, ports: [{port: 80, protocol: TCP}]}]
                """);
        assertThat(unknown("", "services", svc)).isEmpty();

        ObjectNode pdb = yaml("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: p}
                spec: {minAvailable: 50%, selector: {matchLabels: {a: b}}, unhealthyPodEvictionPolicy: AlwaysAllow}
                status: {disruptedPods: {p1: "2024-01-02T03:04:05Z"}, disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1}
                """);
        assertThat(unknown("policy", "poddisruptionbudgets", pdb)).isEmpty();

        ObjectNode quota = yaml("""
                apiVersion: v1
                kind: ResourceQuota
                metadata: {name: q}
                spec: {hard: {pods: 10, requests.cpu: "4", limits.memory: 8Gi}}
                """);
        assertThat(unknown("", "resourcequotas", quota)).isEmpty();
    }

    @Test
    void valuesOfTheWrongJsonTypeAreNotUnknownFields() {
        ObjectNode body = yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {template: 5, selector: [1], strategy: {rollingUpdate: {maxSurge: {x: 1}}}}}");
        assertThat(unknown("apps", "deployments", body)).isEmpty();
    }

    @Test
    void cronJobWithJobTemplate() {
        ObjectNode body = yaml("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: c}
                spec:
                  schedule: "*/5 * * * *"
                  timeZone: Etc/UTC
                  concurrencyPolicy: Forbid
                  startingDeadlineSeconds: 60
                  successfulJobsHistoryLimit: 3
                  failedJobsHistoryLimit: 1
                  suspend: false
                  jobTemplate:
                    metadata: {labels: {job: c}}
                    spec:
                      backoffLimit: 2
                      completions: 1
                      parallelism: 1
                      ttlSecondsAfterFinished: 100
                      podFailurePolicy:
                        rules:
                        - action: FailJob
                          onExitCodes: {containerName: main, operator: In, values: [42]}
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                          - name: main
                            image: busybox
                            command: [date]
                status:
                  lastScheduleTime: "2024-01-02T03:04:05Z"
                  active: [{kind: Job, name: c-1, namespace: default, uid: u}]
                """);
        assertThat(unknown("batch", "cronjobs", body)).isEmpty();
        ((ObjectNode) body.at("/spec/jobTemplate/spec/template/spec/containers/0")).put("cmd", "x");
        ((ObjectNode) body.at("/spec/jobTemplate/spec")).put("backofLimit", 1);
        assertThat(unknown("batch", "cronjobs", body)).containsExactly(
                "spec.jobTemplate.spec.template.spec.containers[0].cmd", "spec.jobTemplate.spec.backofLimit");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 1
              podManagementPolicy: Parallel
              selector: {matchLabels: {app: db}}
              updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0, maxUnavailable: 1}}
              persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: postgres}]}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: standard
                  resources: {requests: {storage: 1Gi}}
            """,
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: ds}
            spec:
              selector: {matchLabels: {app: ds}}
              updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}
              template:
                metadata: {labels: {app: ds}}
                spec:
                  hostNetwork: true
                  containers: [{name: c, image: i}]
                  volumes: [{name: h, hostPath: {path: /var/log, type: Directory}}]
            """,
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: n}
            spec: {finalizers: [kubernetes]}
            status: {phase: Active}
            """,
            """
            apiVersion: v1
            kind: Node
            metadata: {name: n}
            spec: {podCIDR: 10.0.0.0/24, taints: [{key: k, effect: NoSchedule, timeAdded: "2024-01-02T03:04:05Z"}]}
            status:
              capacity: {cpu: "2", memory: 4Gi, pods: "110"}
              conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2024-01-02T03:04:05Z"}]
              addresses: [{type: InternalIP, address: 10.0.0.1}]
              daemonEndpoints: {kubeletEndpoint: {Port: 10250}}
              nodeInfo: {kubeletVersion: v1.32.0, osImage: linux, architecture: amd64, machineID: m, systemUUID: s, bootID: b, kernelVersion: k, containerRuntimeVersion: c, kubeProxyVersion: k, operatingSystem: linux}
            """,
            """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: pv}
            spec:
              capacity: {storage: 5Gi}
              accessModes: [ReadWriteOnce]
              persistentVolumeReclaimPolicy: Retain
              hostPath: {path: /mnt/data}
              claimRef: {namespace: default, name: c}
              nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: k, operator: Exists}]}]}}
            """,
            """
            apiVersion: v1
            kind: Event
            metadata: {name: e.1, namespace: default}
            involvedObject: {kind: Pod, name: p, namespace: default}
            reason: Started
            message: started
            type: Normal
            count: 2
            firstTimestamp: "2024-01-02T03:04:05Z"
            lastTimestamp: "2024-01-02T03:04:05Z"
            eventTime: "2024-01-02T03:04:05.123456Z"
            source: {component: kubelet, host: n}
            reportingComponent: kubelet
            """,
            """
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata: {name: e.2}
            eventTime: "2024-01-02T03:04:05.123456Z"
            reportingController: x
            reportingInstance: y
            action: Started
            reason: Started
            regarding: {kind: Pod, name: p}
            note: hello
            type: Normal
            series: {count: 2, lastObservedTime: "2024-01-02T03:04:05.123456Z"}
            """,
            """
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {name: l}
            spec: {holderIdentity: h, leaseDurationSeconds: 15, acquireTime: "2024-01-02T03:04:05.000000Z", renewTime: "2024-01-02T03:04:05.000000Z", leaseTransitions: 1}
            """,
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: s, labels: {kubernetes.io/service-name: s}}
            addressType: IPv4
            endpoints:
            - addresses: [10.0.0.1]
              conditions: {ready: true, serving: true, terminating: false}
              nodeName: n
              targetRef: {kind: Pod, name: p, namespace: default}
              hints: {forZones: [{name: a}]}
            ports: [{name: http, port: 80, protocol: TCP}]
            """,
            """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: standard}
            provisioner: rancher.io/local-path
            parameters: {any: thing}
            reclaimPolicy: Delete
            volumeBindingMode: WaitForFirstConsumer
            allowVolumeExpansion: true
            mountOptions: [debug]
            """,
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: r}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get, list], resourceNames: [a]}
            - {nonResourceURLs: [/healthz], verbs: [get]}
            aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: b}}]}
            """,
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: b}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
            subjects: [{kind: ServiceAccount, name: default, namespace: default}, {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
            """,
            """
            apiVersion: v1
            kind: LimitRange
            metadata: {name: l}
            spec: {limits: [{type: Container, default: {cpu: 500m}, defaultRequest: {cpu: 100m}, max: {memory: 1Gi}}]}
            """,
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: sa}
            automountServiceAccountToken: false
            secrets: [{name: s}]
            imagePullSecrets: [{name: regcred}]
            """,
            """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: e}
            subsets: [{addresses: [{ip: 10.0.0.1, targetRef: {kind: Pod, name: p}}], ports: [{port: 80, name: http}]}]
            """,
            """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: c}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
              selector: {matchLabels: {a: b}}
              volumeMode: Filesystem
            status: {phase: Bound, capacity: {storage: 1Gi}}
            """})
    void validManifestsOfOtherKindsHaveNoUnknownFields(String manifest) {
        ObjectNode body = yaml(manifest);
        String apiVersion = body.get("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        ResourceType type = REGISTRY.all().stream()
                .filter(t -> t.group().equals(group) && t.kind().equals(body.get("kind").asText()))
                .findFirst().orElseThrow();
        assertThat(UnknownFields.findAndPrune(type, body)).isEmpty();
    }

    @Test
    void kindsWithoutDefinitionHaveOnlyTheirMetadataChecked() {
        ResourceType custom = new ResourceType("example.com", "v1", "widgets", "widget", "Widget", true,
                List.of(), List.of(), type("", "configmaps").strategy());
        ObjectNode body = yaml("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, nmae: x}, spec: {anything: 1}}");
        assertThat(UnknownFields.findAndPrune(custom, body)).containsExactly("metadata.nmae");
        assertThat(body.at("/metadata").has("nmae")).isFalse();
        assertThat(body.at("/spec/anything").asInt()).isEqualTo(1);
    }
}
