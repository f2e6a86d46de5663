package dev.pier.apiserver.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.pier.apiserver.meta.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufDecoderTest {
    private static final long JAN_2_2024 = Instant.parse("2024-01-02T03:04:05Z").getEpochSecond();

    // ---- bodies built the way kubectl builds them: magic + runtime.Unknown{typeMeta, raw = message bytes}

    static byte[] body(String apiVersion, String kind, Message message) {
        return body(apiVersion, kind, message.toByteString());
    }

    static byte[] body(String apiVersion, String kind, ByteString raw) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(raw)
                .build();
        return concat(new byte[] {'k', '8', 's', 0}, unknown.toByteArray());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Meta.ObjectMeta.Builder meta(String name) {
        return Meta.ObjectMeta.newBuilder().setName(name);
    }

    static Quantity quantity(String q) {
        return Quantity.newBuilder().setString(q).build();
    }

    /** Compares after a JSON round trip, so the test checks what goes over the wire. */
    static void assertJson(JsonNode actual, String expected) throws IOException {
        JsonNode roundTripped = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(actual));
        assertThat(roundTripped).isEqualTo(Json.MAPPER.readTree(expected));
    }

    // ---- kubectl 1.32.4 bodies, captured with --dry-run=server against a recording HTTP server

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            create configmap x --from-literal=a=b --from-literal=c= | azhzAAoPCgJ2MRIJQ29uZmlnTWFwEiIKEQoBeBIAGgAiACoAMgA4AEIAEgYKAWESAWISBQoBYxIAGgAiAA== | {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"b","c":""}}
            create deployment d --image=nginx --port=80 --replicas=0 | azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50ErABChsKAWQSABoAIgAqADIAOABCAFoICgNhcHASAWQSggEIABIKCggKA2FwcBIBZBpqChoKABIAGgAiACoAMgA4AEIAWggKA2FwcBIBZBJMEi4KBW5naW54EgVuZ2lueCoAMgoKABAAGFAiACoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA | {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"d"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}
            create secret generic s --from-literal=k=v | azhzAAoMCgJ2MRIGU2VjcmV0Eh0KEQoBcxIAGgAiACoAMgA4AEIAEgYKAWsSAXYaABoAIgA= | {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"dg=="}}
            create service clusterip svc --tcp=80:8080 | azhzAAoNCgJ2MRIHU2VydmljZRJpCh8KA3N2YxIAGgAiACoAMgA4AEIAWgoKA2FwcBIDc3ZjEkIKGwoHODAtODA4MBIDVENQGFAiBwgAEJA/GgAoABIKCgNhcHASA3N2YxoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA== | {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","labels":{"app":"svc"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"svc"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}
            create service nodeport np --tcp=5678:8080 --node-port=30001 | azhzAAoNCgJ2MRIHU2VydmljZRJqCh0KAm5wEgAaACIAKgAyADgAQgBaCQoDYXBwEgJucBJFCiAKCTU2NzgtODA4MBIDVENQGK4sIgcIABCQPxoAKLHqARIJCgNhcHASAm5wGgAiCE5vZGVQb3J0OgBCAFIAWgBgAGgAGgIKABoAIgA= | {"apiVersion":"v1","kind":"Service","metadata":{"name":"np","labels":{"app":"np"}},"spec":{"ports":[{"name":"5678-8080","protocol":"TCP","port":5678,"targetPort":8080,"nodePort":30001}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}}
            create priorityclass pc --value=0 | azhzAAolChRzY2hlZHVsaW5nLms4cy5pby92MRINUHJpb3JpdHlDbGFzcxIwChIKAnBjEgAaACIAKgAyADgAQgAQABgAIgAqFFByZWVtcHRMb3dlclByaW9yaXR5GgAiAA== | {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"pc"},"value":0,"preemptionPolicy":"PreemptLowerPriority"}
            create job j --image=busybox -- echo hi | azhzAAoPCghiYXRjaC92MRIDSm9iEoIBChEKAWoSABoAIgAqADIAOABCABJjMmEKEAoAEgAaACIAKgAyADgAQgASTRIqCgFqEgdidXN5Ym94GgRlY2hvGgJoaSoAQgBqAHIAgAEAiAEAkAEAogEAGgVOZXZlcjIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAGgggACgAMAA6ABoAIgA= | {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"j","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}
            create cronjob cj --image=busybox --schedule=*/1 * * * * -- date | azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhKkAQoSCgJjahIAGgAiACoAMgA4AEIAEosBCgsqLzEgKiAqICogKhoAKnoKEgoCY2oSABoAIgAqADIAOABCABJkMmIKEAoAEgAaACIAKgAyADgAQgASThInCgJjahIHYnVzeWJveBoEZGF0ZSoAQgBqAHIAgAEAiAEAkAEAogEAGglPbkZhaWx1cmUyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBABoAGgAiAA== | {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj"},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"cj"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"cj","image":"busybox","command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}}
            create namespace ns | azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhoKEgoCbnMSABoAIgAqADIAOABCABIAGgIKABoAIgA= | {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns"},"spec":{},"status":{}}
            create serviceaccount sa1 | azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFQoTCgNzYTESABoAIgAqADIAOABCABoAIgA= | {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa1"}}
            create rolebinding rb --clusterrole=view --user=alice --serviceaccount=default:sa1 | azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtSb2xlQmluZGluZxKSAQoSCgJyYhIAGgAiACoAMgA4AEIAEioKBFVzZXISGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8aBWFsaWNlIgASIAoOU2VydmljZUFjY291bnQSABoDc2ExIgdkZWZhdWx0Gi4KGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8SC0NsdXN0ZXJSb2xlGgR2aWV3GgAiAA== | {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"ServiceAccount","name":"sa1","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}
            create clusterrolebinding crb --clusterrole=edit --group=devs | azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcScQoTCgNjcmISABoAIgAqADIAOABCABIqCgVHcm91cBIZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxoEZGV2cyIAGi4KGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8SC0NsdXN0ZXJSb2xlGgRlZGl0GgAiAA== | {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"crb"},"subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}}
            create quota q --hard=cpu=1,memory=1Gi,pods=10 | azhzAAoTCgJ2MRINUmVzb3VyY2VRdW90YRJCChEKAXESABoAIgAqADIAOABCABIrCgoKA2NwdRIDCgExCg8KBm1lbW9yeRIFCgMxR2kKDAoEcG9kcxIECgIxMBoAGgAiAA== | {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"cpu":"1","memory":"1Gi","pods":"10"}},"status":{}}
            create pdb p --selector=app=x --min-available=50% | azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSOAoRCgFwEgAaACIAKgAyADgAQgASFwoJCAEQABoDNTAlEgoKCAoDYXBwEgF4GgoIABgAIAAoADAAGgAiAA== | {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"p"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"x"}}},"status":{}}
            create pdb p0 --selector=app=x --max-unavailable=0 | azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSNgoSCgJwMBIAGgAiACoAMgA4AEIAEhQSCgoICgNhcHASAXgaBggAEAAaABoKCAAYACAAKAAwABoAIgA= | {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"p0"},"spec":{"selector":{"matchLabels":{"app":"x"}},"maxUnavailable":0},"status":{}}
            create token sa1 --duration=10m | azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIdChAKABIAGgAiACoAMgA4AEIAEgMg2AQaBAoAEgAaACIA | {"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{},"spec":{"expirationSeconds":600},"status":{}}
            create ingress ing --rule=foo.com/bar*=svc1:8080,tls=my-cert --class=nginx | azhzAAofChRuZXR3b3JraW5nLms4cy5pby92MRIHSW5ncmVzcxJmChMKA2luZxIAGgAiACoAMgA4AEIAEksSEgoHZm9vLmNvbRIHbXktY2VydBouCgdmb28uY29tEiMKIQofCgQvYmFyEg8iDQoEc3ZjMRIFCgAQkD8aBlByZWZpeCIFbmdpbngaAgoAGgAiAA== | {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},"spec":{"ingressClassName":"nginx","tls":[{"hosts":["foo.com"],"secretName":"my-cert"}],"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Prefix","backend":{"service":{"name":"svc1","port":{"number":8080}}}}]}}]},"status":{"loadBalancer":{}}}
            auth can-i get /logs | azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSLAoQCgASABoAIgAqADIAOABCABIOEgwKBS9sb2dzEgNnZXQaCAgAEgAaACAAGgAiAA== | {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},"spec":{"nonResourceAttributes":{"path":"/logs","verb":"get"}},"status":{"allowed":false}}
            auth can-i create pods.v1. -n kube-system | azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSRwoQCgASABoAIgAqADIAOABCABIpCicKC2t1YmUtc3lzdGVtEgZjcmVhdGUaACIAKghwb2RzLnYxLjIAOgAaCAgAEgAaACAAGgAiAA== | {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},"spec":{"resourceAttributes":{"namespace":"kube-system","verb":"create","resource":"pods.v1."}},"status":{"allowed":false}}
            """)
    void decodesWhatKubectlSends(String command, String base64, String expected) throws IOException {
        // kubectl writes every non-pointer Go field, so these bodies are full of "" and 0 (namespace, uid,
        // hostPort, restartPolicy...) that must come out as absent, while pointer zeros (replicas: 0,
        // maxUnavailable: 0) and non-omitempty ones (PriorityClass value: 0) stay.
        assertJson(ProtobufDecoder.decode(Base64.getDecoder().decode(base64)), expected);
    }

    // ---- bodies built with the generated builders

    @Test
    void configMapWithDataAndBinaryData() throws IOException {
        V1.ConfigMap cm = V1.ConfigMap.newBuilder()
                .setMetadata(meta("settings").setNamespace("prod").putLabels("app", "web").putAnnotations("a/b", "c"))
                .putData("mode", "fast")
                .putData("empty", "")
                .putBinaryData("blob", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .setImmutable(false)
                .build();
        ObjectNode json = ProtobufDecoder.decode(body("v1", "ConfigMap", cm));
        assertJson(json, """
                {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "settings", "namespace": "prod", "labels": {"app": "web"}, "annotations": {"a/b": "c"}},
                 "data": {"mode": "fast", "empty": ""},
                 "binaryData": {"blob": "AAEC/w=="},
                 "immutable": false}""");
        assertThat(json.fieldNames()).toIterable().startsWith("apiVersion", "kind", "metadata");
    }

    @Test
    void secretDataIsBase64() throws IOException {
        V1.Secret secret = V1.Secret.newBuilder()
                .setMetadata(meta("creds"))
                .putData("password", ByteString.copyFromUtf8("s3cr3t"))
                .putData("empty", ByteString.EMPTY)
                .putStringData("plain", "text")
                .setType("Opaque")
                .build();
        assertJson(ProtobufDecoder.decode(body("v1", "Secret", secret)), """
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
                 "data": {"password": "czNjcjN0", "empty": ""},
                 "stringData": {"plain": "text"},
                 "type": "Opaque"}""");
    }

    @Test
    void namespace() throws IOException {
        V1.Namespace ns = V1.Namespace.newBuilder()
                .setMetadata(meta("team-a").addFinalizers("example.com/keep"))
                .setSpec(V1.NamespaceSpec.newBuilder().addFinalizers("kubernetes"))
                .build();
        assertJson(ProtobufDecoder.decode(body("v1", "Namespace", ns)), """
                {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"name": "team-a", "finalizers": ["example.com/keep"]},
                 "spec": {"finalizers": ["kubernetes"]}}""");
    }

    @Test
    void deployment() throws IOException {
        V1.Container container = V1.Container.newBuilder()
                .setName("web")
                .setImage("nginx:1.27")
                .addPorts(V1.ContainerPort.newBuilder().setName("http").setContainerPort(80).setProtocol("TCP"))
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", quantity("500m"))
                        .putLimits("memory", quantity("128Mi"))
                        .putRequests("cpu", Quantity.getDefaultInstance()))
                .addEnv(V1.EnvVar.newBuilder().setName("PASSWORD").setValueFrom(V1.EnvVarSource.newBuilder()
                        .setSecretKeyRef(V1.SecretKeySelector.newBuilder()
                                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("creds"))
                                .setKey("password")
                                .setOptional(false))))
                .setReadinessProbe(V1.Probe.newBuilder()
                        .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(V1.HTTPGetAction.newBuilder()
                                .setPath("/healthz")
                                .setPort(IntOrString.newBuilder().setType(1).setStrVal("http"))))
                        .setPeriodSeconds(5))
                .addVolumeMounts(V1.VolumeMount.newBuilder().setName("config").setMountPath("/etc/web").setReadOnly(true))
                .setSecurityContext(V1.SecurityContext.newBuilder().setRunAsUser(0).setPrivileged(false))
                .build();
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
                .setMetadata(meta("web").setNamespace("default")
                        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(JAN_2_2024).setNanos(987_654_321))
                        .setGeneration(0))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(3)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(Meta.ObjectMeta.newBuilder().putLabels("app", "web"))
                                .setSpec(V1.PodSpec.newBuilder()
                                        .addContainers(container)
                                        .addVolumes(V1.Volume.newBuilder().setName("config").setVolumeSource(
                                                V1.VolumeSource.newBuilder().setConfigMap(V1.ConfigMapVolumeSource.newBuilder()
                                                        .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("settings"))
                                                        .setDefaultMode(0))))
                                        .addVolumes(V1.Volume.newBuilder().setName("scratch").setVolumeSource(
                                                V1.VolumeSource.newBuilder().setEmptyDir(V1.EmptyDirVolumeSource.getDefaultInstance())))
                                        .setTerminationGracePeriodSeconds(0)
                                        .setHostNetwork(false)))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setType(0).setIntVal(0))
                                        .setMaxUnavailable(IntOrString.newBuilder().setType(1).setStrVal("25%"))))
                        .setMinReadySeconds(0))
                .build();

        ObjectNode json = ProtobufDecoder.decode(body("apps/v1", "Deployment", deployment));

        assertThat(json.get("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(json.get("kind").asText()).isEqualTo("Deployment");
        assertThat(json.at("/metadata/creationTimestamp").asText()).isEqualTo("2024-01-02T03:04:05Z");
        assertThat(json.at("/metadata/generation").isMissingNode()).isTrue();
        assertThat(json.at("/spec/replicas").isInt()).isTrue();
        assertThat(json.at("/spec/template/spec/containers/0/ports/0/containerPort").intValue()).isEqualTo(80);
        assertThat(json.at("/spec/template/spec/containers/0/resources/limits/cpu").asText()).isEqualTo("500m");
        assertJson(json, """
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2024-01-02T03:04:05Z"},
                 "spec": {
                   "replicas": 3,
                   "selector": {"matchLabels": {"app": "web"}},
                   "template": {
                     "metadata": {"labels": {"app": "web"}},
                     "spec": {
                       "volumes": [
                         {"name": "config", "configMap": {"name": "settings", "defaultMode": 0}},
                         {"name": "scratch", "emptyDir": {}}],
                       "containers": [{
                         "name": "web", "image": "nginx:1.27",
                         "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
                         "env": [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password", "optional": false}}}],
                         "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "0"}},
                         "volumeMounts": [{"name": "config", "readOnly": true, "mountPath": "/etc/web"}],
                         "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
                         "securityContext": {"privileged": false, "runAsUser": 0}}],
                       "terminationGracePeriodSeconds": 0}},
                   "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 0}}}}""");
    }

    @Test
    void serviceTargetPortsAreIntOrString() throws IOException {
        V1.Service service = V1.Service.newBuilder()
                .setMetadata(meta("web"))
                .setSpec(V1.ServiceSpec.newBuilder()
                        .addPorts(V1.ServicePort.newBuilder().setName("http").setPort(80)
                                .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)))
                        .addPorts(V1.ServicePort.newBuilder().setName("metrics").setPort(9090)
                                .setTargetPort(IntOrString.newBuilder().setType(1).setStrVal("metrics")))
                        // kubectl always writes targetPort; left at its zero it means "same as port"
                        .addPorts(V1.ServicePort.newBuilder().setName("grpc").setPort(9000)
                                .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(0).setStrVal("")))
                        .putSelector("app", "web")
                        .setType("ClusterIP")
                        .setAllocateLoadBalancerNodePorts(false))
                .build();
        ObjectNode json = ProtobufDecoder.decode(body("v1", "Service", service));
        assertThat(json.at("/spec/ports/0/targetPort").isInt()).isTrue();
        assertThat(json.at("/spec/ports/1/targetPort").isTextual()).isTrue();
        assertJson(json, """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                 "spec": {
                   "ports": [
                     {"name": "http", "port": 80, "targetPort": 8080},
                     {"name": "metrics", "port": 9090, "targetPort": "metrics"},
                     {"name": "grpc", "port": 9000}],
                   "selector": {"app": "web"},
                   "type": "ClusterIP",
                   "allocateLoadBalancerNodePorts": false}}""");
    }

    @Test
    void job() throws IOException {
        V1Batch.Job job = V1Batch.Job.newBuilder()
                .setMetadata(meta("migrate"))
                .setSpec(V1Batch.JobSpec.newBuilder()
                        .setCompletions(1)
                        .setBackoffLimit(0)
                        .setTtlSecondsAfterFinished(600)
                        .setSuspend(false)
                        .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                                .addContainers(V1.Container.newBuilder().setName("migrate").setImage("app:2")
                                        .addCommand("/bin/migrate").addArgs("--all"))
                                .setRestartPolicy("Never"))))
                .setStatus(V1Batch.JobStatus.newBuilder().setActive(0).setStartTime(
                        Meta.Time.newBuilder().setSeconds(0).setNanos(0)))
                .build();
        assertJson(ProtobufDecoder.decode(body("batch/v1", "Job", job)), """
                {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                 "spec": {
                   "completions": 1, "backoffLimit": 0, "ttlSecondsAfterFinished": 600, "suspend": false,
                   "template": {"spec": {
                     "containers": [{"name": "migrate", "image": "app:2", "command": ["/bin/migrate"], "args": ["--all"]}],
                     "restartPolicy": "Never"}}},
                 "status": {"startTime": "1970-01-01T00:00:00Z"}}""");
    }

    @Test
    void clusterRole() throws IOException {
        V1Rbac.ClusterRole role = V1Rbac.ClusterRole.newBuilder()
                .setMetadata(meta("pod-reader"))
                .addRules(V1Rbac.PolicyRule.newBuilder()
                        .addApiGroups("").addResources("pods").addResources("pods/log")
                        .addVerbs("get").addVerbs("list").addVerbs("watch"))
                .addRules(V1Rbac.PolicyRule.newBuilder().addNonResourceURLs("/healthz").addVerbs("get"))
                .setAggregationRule(V1Rbac.AggregationRule.newBuilder().addClusterRoleSelectors(
                        Meta.LabelSelector.newBuilder().addMatchExpressions(Meta.LabelSelectorRequirement.newBuilder()
                                .setKey("rbac.example.com/aggregate").setOperator("Exists"))))
                .build();
        assertJson(ProtobufDecoder.decode(body("rbac.authorization.k8s.io/v1", "ClusterRole", role)), """
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "pod-reader"},
                 "rules": [
                   {"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["pods", "pods/log"]},
                   {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}],
                 "aggregationRule": {"clusterRoleSelectors": [
                   {"matchExpressions": [{"key": "rbac.example.com/aggregate", "operator": "Exists"}]}]}}""");
    }

    @Test
    void microTimeManagedFieldsAndTimes() throws IOException {
        V1.Event event = V1.Event.newBuilder()
                .setMetadata(meta("web.1").setNamespace("default").addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                        .setManager("kubectl").setOperation("Update").setApiVersion("v1")
                        .setTime(Meta.Time.newBuilder().setSeconds(JAN_2_2024))
                        .setFieldsType("FieldsV1")
                        .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:message\":{}}")))))
                .setInvolvedObject(V1.ObjectReference.newBuilder().setKind("Pod").setName("web"))
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(JAN_2_2024).setNanos(120_000_999))
                .setFirstTimestamp(Meta.Time.getDefaultInstance())
                .setCount(1)
                .build();
        assertJson(ProtobufDecoder.decode(body("v1", "Event", event)), """
                {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": "web.1", "namespace": "default", "managedFields": [
                   {"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "time": "2024-01-02T03:04:05Z",
                    "fieldsType": "FieldsV1", "fieldsV1": {"f:message": {}}}]},
                 "involvedObject": {"kind": "Pod", "name": "web"},
                 "count": 1,
                 "eventTime": "2024-01-02T03:04:05.120000Z"}""");
    }

    @Test
    void rawExtensionHoldsJsonOrAnEmbeddedProtobufObject() throws IOException {
        V1Apps.ControllerRevision json = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(meta("web-1"))
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"spec\":{\"x\":[1,2]}}")))
                .setRevision(1)
                .build();
        assertJson(ProtobufDecoder.decode(body("apps/v1", "ControllerRevision", json)), """
                {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "web-1"},
                 "data": {"spec": {"x": [1, 2]}}, "revision": 1}""");

        byte[] embedded = body("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(meta("inner")).build());
        V1Apps.ControllerRevision proto = json.toBuilder()
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(embedded)))
                .build();
        assertThat(ProtobufDecoder.decode(body("apps/v1", "ControllerRevision", proto)).get("data")).isEqualTo(
                Json.MAPPER.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"inner\"}}"));
    }

    @Test
    void extraValuesAreStringLists() throws IOException {
        V1Authorization.SubjectAccessReview review = V1Authorization.SubjectAccessReview.newBuilder()
                .setMetadata(Meta.ObjectMeta.getDefaultInstance())
                .setSpec(V1Authorization.SubjectAccessReviewSpec.newBuilder()
                        .setResourceAttributes(V1Authorization.ResourceAttributes.newBuilder()
                                .setVerb("list").setGroup("").setResource("pods"))
                        .setUser("alice")
                        .addGroups("devs")
                        .putExtra("scopes", V1Authorization.ExtraValue.newBuilder().addItems("a").addItems("b").build()))
                .build();
        assertJson(ProtobufDecoder.decode(body("authorization.k8s.io/v1", "SubjectAccessReview", review)), """
                {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "metadata": {},
                 "spec": {"resourceAttributes": {"verb": "list", "resource": "pods"},
                          "user": "alice", "groups": ["devs"], "extra": {"scopes": ["a", "b"]}}}""");
    }

    @Test
    void evictionKeepsAnExplicitZeroGracePeriod() throws IOException {
        V1Policy.Eviction eviction = V1Policy.Eviction.newBuilder()
                .setMetadata(meta("web-0").setNamespace("default"))
                .setDeleteOptions(Meta.DeleteOptions.newBuilder().setGracePeriodSeconds(0).addDryRun("All"))
                .build();
        assertJson(ProtobufDecoder.decode(body("policy/v1", "Eviction", eviction)), """
                {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "web-0", "namespace": "default"},
                 "deleteOptions": {"gracePeriodSeconds": 0, "dryRun": ["All"]}}""");
    }

    @Test
    void metaKindsAreAcceptedInEveryGroupVersion() throws IOException {
        Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder().setPropagationPolicy("Foreground").build();
        assertJson(ProtobufDecoder.decode(body("apps/v1", "DeleteOptions", options)),
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Foreground\"}");
        assertJson(ProtobufDecoder.decode(body("meta.k8s.io/v1", "DeleteOptions", options)),
                "{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Foreground\"}");
    }

    @Test
    void missingTypeMetaIsTakenFromTheDefaults() throws IOException {
        byte[] noTypeMeta = body("", "", V1.ConfigMap.newBuilder().setMetadata(meta("x")).build());
        assertJson(ProtobufDecoder.decode(noTypeMeta, "v1", "ConfigMap"),
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
        assertThatThrownBy(() -> ProtobufDecoder.decode(noTypeMeta))
                .isInstanceOf(ProtobufDecodeException.class)
                .hasMessage("no protobuf type for /");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0                    | 0s
            1                    | 1ns
            999                  | 999ns
            1500                 | 1.5µs
            500000000            | 500ms
            1500000000           | 1.5s
            90000000000          | 1m30s
            3600000000000        | 1h0m0s
            -5000000000          | -5s
            -9223372036854775808 | -2562047h47m16.854775808s
            """)
    void durationsAreFormattedLikeGo(long nanos, String expected) {
        assertThat(ProtobufJson.goDuration(nanos)).isEqualTo(expected);
    }

    // ---- bad and hostile input

    @Test
    void rejectsBodiesWithoutTheMagic() {
        for (byte[] bad : new byte[][] {null, {}, {'k', '8', 's'}, "{\"kind\":\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8),
                {'k', '8', 'S', 0, 10, 0}}) {
            assertThatThrownBy(() -> ProtobufDecoder.decode(bad))
                    .isInstanceOf(ProtobufDecodeException.class)
                    .hasMessageContaining("k8s\\0");
        }
    }

    @Test
    void rejectsUnknownKinds() {
        assertThatThrownBy(() -> ProtobufDecoder.decode(body("apps/v1", "Frobnicator", ByteString.EMPTY)))
                .isInstanceOf(ProtobufDecodeException.class)
                .hasMessage("no protobuf type for apps/v1/Frobnicator");
        assertThatThrownBy(() -> ProtobufDecoder.decode(body("example.com/v1", "ConfigMap", ByteString.EMPTY)))
                .hasMessage("no protobuf type for example.com/v1/ConfigMap");
        // the echoed type is capped, so a megabyte of kind does not come back in the error
        assertThatThrownBy(() -> ProtobufDecoder.decode(body("v1", "x".repeat(1_000_000), ByteString.EMPTY)))
                .hasMessageStartingWith("no protobuf type for v1/xxx")
                .hasMessageEndingWith("...")
                .message().hasSizeLessThan(300);
        // nested types are not kinds
        assertThatThrownBy(() -> ProtobufDecoder.decode(body("v1", "ContainerPort", ByteString.EMPTY)))
                .hasMessage("no protobuf type for v1/ContainerPort");
    }

    @Test
    void rejectsMalformedProtobuf() {
        byte[] magic = {'k', '8', 's', 0};
        // field 2 (raw) declaring a 4 GiB length with nothing behind it
        byte[] hugeLength = concat(magic, new byte[] {0x12, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        // a varint that never ends
        byte[] endlessVarint = concat(magic, new byte[] {0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        // the same inside raw, where the kind's message is parsed
        byte[] hugeInRaw = body("v1", "ConfigMap", ByteString.copyFrom(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}));
        // wire type 7 does not exist
        byte[] badWireType = body("v1", "ConfigMap", ByteString.copyFrom(new byte[] {0x0f, 0x00}));
        for (byte[] bad : new byte[][] {hugeLength, endlessVarint, hugeInRaw, badWireType}) {
            assertThatThrownBy(() -> ProtobufDecoder.decode(bad))
                    .isInstanceOf(ProtobufDecodeException.class)
                    .hasMessageStartingWith("malformed protobuf");
        }
    }

    @Test
    void deeplyNestedGroupsDoNotOverflowTheStack() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int i = 0; i < 200_000; i++) {
            raw.write(0xa3); // tag varint 0xa3 0x01: start-group of unknown field 20, never ended
            raw.write(0x01);
        }
        assertThatThrownBy(() -> ProtobufDecoder.decode(body("v1", "ConfigMap", ByteString.copyFrom(raw.toByteArray()))))
                .isInstanceOf(ProtobufDecodeException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void embeddedObjectsAreDepthLimited() {
        byte[] inner = body("v1", "ConfigMap", V1.ConfigMap.getDefaultInstance());
        for (int i = 0; i < 20; i++) {
            inner = body("apps/v1", "ControllerRevision", V1Apps.ControllerRevision.newBuilder()
                    .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(inner))).build());
        }
        byte[] bomb = inner;
        assertThatThrownBy(() -> ProtobufDecoder.decode(bomb))
                .isInstanceOf(ProtobufDecodeException.class)
                .hasMessageContaining("embedded");
    }

    @Test
    void rejectsContentWithoutAJsonForm() {
        byte[] notJson = body("apps/v1", "ControllerRevision", V1Apps.ControllerRevision.newBuilder()
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{not json"))).build());
        byte[] badIntOrString = body("policy/v1", "PodDisruptionBudget", V1Policy.PodDisruptionBudget.newBuilder()
                .setSpec(V1Policy.PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.newBuilder().setType(7)))
                .build());
        byte[] year10000 = body("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(meta("x")
                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(253402300800L))).build());
        byte[] yearOverflow = body("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(meta("x")
                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE))).build());
        for (byte[] bad : new byte[][] {notJson, badIntOrString, year10000, yearOverflow}) {
            assertThatThrownBy(() -> ProtobufDecoder.decode(bad)).isInstanceOf(ProtobufDecodeException.class);
        }
    }

    @Test
    void truncatedBodiesFailCleanly() {
        byte[] full = body("apps/v1", "Deployment", V1Apps.Deployment.newBuilder()
                .setMetadata(meta("web").putLabels("app", "web"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(2).setTemplate(V1.PodTemplateSpec.newBuilder()
                        .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder().setName("c").setImage("i")))))
                .build());
        int failures = 0;
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            try {
                ProtobufDecoder.decode(cut);
            } catch (ProtobufDecodeException e) {
                failures++;
            }
        }
        assertThat(failures).isGreaterThan(full.length / 2);
    }

    @Test
    void randomAndMutatedBytesOnlyEverRaiseTheDecodeException() {
        java.util.Random random = new java.util.Random(42);
        byte[][] seeds = {
                Base64.getDecoder().decode("azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50ErABChsKAWQSABoAIgAqADIAOABCAFoICgNhcHASAWQSggEIABIKCggKA2FwcBIBZBpqChoKABIAGgAiACoAMgA4AEIAWggKA2FwcBIBZBJMEi4KBW5naW54EgVuZ2lueCoAMgoKABAAGFAiACoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA"),
                Base64.getDecoder().decode("azhzAAoNCgJ2MRIHU2VydmljZRJpCh8KA3N2YxIAGgAiACoAMgA4AEIAWgoKA2FwcBIDc3ZjEkIKGwoHODAtODA4MBIDVENQGFAiBwgAEJA/GgAoABIKCgNhcHASA3N2YxoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA=="),
        };
        String[][] kinds = {{"v1", "Pod"}, {"apps/v1", "Deployment"}, {"v1", "Service"}, {"batch/v1", "CronJob"},
                {"v1", "Event"}, {"apps/v1", "ControllerRevision"}, {"policy/v1", "PodDisruptionBudget"}};
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            switch (i % 3) {
                case 0 -> { // bit flips and byte changes in real bodies
                    byte[] seed = seeds[random.nextInt(seeds.length)];
                    input = seed.clone();
                    for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                        int at = 4 + random.nextInt(input.length - 4);
                        input[at] = (byte) (random.nextBoolean() ? input[at] ^ (1 << random.nextInt(8)) : random.nextInt(256));
                    }
                }
                case 1 -> { // random raw bytes for a real kind
                    byte[] raw = new byte[random.nextInt(64)];
                    random.nextBytes(raw);
                    String[] kind = kinds[random.nextInt(kinds.length)];
                    input = body(kind[0], kind[1], ByteString.copyFrom(raw));
                }
                default -> { // random bytes after the magic
                    byte[] rest = new byte[random.nextInt(48)];
                    random.nextBytes(rest);
                    input = concat(new byte[] {'k', '8', 's', 0}, rest);
                }
            }
            try {
                ProtobufDecoder.decode(input);
            } catch (ProtobufDecodeException expected) {
                // the only acceptable failure
            }
        }
    }
}
