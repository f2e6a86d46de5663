package dev.pier.apiserver.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.pier.apiserver.meta.Json;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a parsed Kubernetes protobuf message as the JSON tree Kubernetes' Go types would marshal to.
 *
 * <p>The generic rule is "proto field name = JSON name", with the exceptions below. The one thing the
 * wire cannot tell us is Go pointer-ness: Go's generated marshallers write every non-pointer field, even
 * when it is "" or 0 (kubectl's ConfigMap carries an empty namespace, uid, resourceVersion...), and write
 * pointer fields only when set. So a scalar zero on the wire is dropped, as Go's {@code omitempty} would,
 * unless the field is listed in {@link #KEEP_ZERO} (pointer fields, where 0/false/"" is a real value such
 * as {@code replicas: 0}). Nested messages are kept when present, even empty ({@code emptyDir: {}},
 * {@code status: {}}), exactly as Go emits non-pointer structs and set pointers.
 */
final class ProtobufJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String DURATION = META + "Duration";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String VERBS = META + "Verbs";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");
    private static final DateTimeFormatter RFC3339_MICRO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    /**
     * Go fields embedded with {@code json:",inline"}: protobuf nests them as a message field, JSON spreads
     * their fields into the parent (Volume.volumeSource → volume.configMap, Probe.handler → probe.httpGet,
     * ConfigMapKeySelector.localObjectReference → .name, ...). Taken from the struct tags of kubectl 1.32.
     */
    private static final Set<String> INLINE = Set.of(
            "volumeSource", "persistentVolumeSource", "handler", "localObjectReference", "ingressRuleValue",
            "rule", "ruleWithOperations", "ephemeralContainerCommon", "typeMeta");

    /** Proto field names that differ from the Go JSON names ("Message.protoField" → JSON name). */
    private static final Map<String, String> RENAMED = Map.of(
            "BoundObjectReference.uID", "uid",
            "IngressClassParametersReference.aPIGroup", "apiGroup",
            "MutatingWebhookConfiguration.Webhooks", "webhooks",
            "ValidatingWebhookConfiguration.Webhooks", "webhooks",
            "Validation.Expression", "expression",
            "Variable.Name", "name",
            "Variable.Expression", "expression");
    // DaemonEndpoint.Port really is "Port" in JSON too, so it is not renamed.

    /**
     * Scalar (and IntOrString) fields whose zero value is kept: Go pointer fields, where an explicit
     * 0/false/"" differs from unset (replicas: 0, automountServiceAccountToken: false,
     * storageClassName: ""), and a few non-omitempty fields whose zero clients rely on. Keys are
     * "Message.protoField" by simple message name, which covers every version of a group. A pointer field
     * missing here only loses an explicit zero, which the server then defaults.
     */
    private static final Set<String> KEEP_ZERO = Set.of(
            // meta/v1
            "ObjectMeta.deletionGracePeriodSeconds", "OwnerReference.controller", "OwnerReference.blockOwnerDeletion",
            "ListMeta.remainingItemCount", "DeleteOptions.gracePeriodSeconds", "DeleteOptions.orphanDependents",
            "DeleteOptions.propagationPolicy", "Preconditions.uid", "Preconditions.resourceVersion",
            "ListOptions.timeoutSeconds", "ListOptions.sendInitialEvents", "PatchOptions.force",
            // core/v1: volumes and projections
            "SecretVolumeSource.defaultMode", "SecretVolumeSource.optional", "ConfigMapVolumeSource.defaultMode",
            "ConfigMapVolumeSource.optional", "DownwardAPIVolumeSource.defaultMode", "DownwardAPIVolumeFile.mode",
            "ProjectedVolumeSource.defaultMode", "KeyToPath.mode", "ConfigMapProjection.optional",
            "SecretProjection.optional", "ServiceAccountTokenProjection.expirationSeconds",
            "ClusterTrustBundleProjection.name", "ClusterTrustBundleProjection.signerName",
            "ClusterTrustBundleProjection.optional", "HostPathVolumeSource.type", "ISCSIVolumeSource.initiatorName",
            "ISCSIPersistentVolumeSource.initiatorName", "FCVolumeSource.lun", "AzureDiskVolumeSource.cachingMode",
            "AzureDiskVolumeSource.fsType", "AzureDiskVolumeSource.readOnly", "AzureDiskVolumeSource.kind",
            "AzureFilePersistentVolumeSource.secretNamespace", "CSIVolumeSource.readOnly", "CSIVolumeSource.fsType",
            "LocalVolumeSource.fsType",
            // core/v1: claims and volumes
            "PersistentVolumeClaimSpec.storageClassName", "PersistentVolumeClaimSpec.volumeMode",
            "PersistentVolumeClaimSpec.volumeAttributesClassName", "PersistentVolumeSpec.volumeMode",
            "PersistentVolumeSpec.volumeAttributesClassName", "PersistentVolumeClaimStatus.currentVolumeAttributesClassName",
            "TypedLocalObjectReference.apiGroup", "TypedObjectReference.apiGroup", "TypedObjectReference.namespace",
            // core/v1: containers and pods
            "Container.restartPolicy", "EphemeralContainerCommon.restartPolicy", "VolumeMount.mountPropagation",
            "VolumeMount.recursiveReadOnly", "ConfigMapKeySelector.optional", "SecretKeySelector.optional",
            "ConfigMapEnvSource.optional", "SecretEnvSource.optional", "Probe.terminationGracePeriodSeconds",
            "GRPCAction.service", "SecurityContext.privileged", "SecurityContext.runAsUser",
            "SecurityContext.runAsGroup", "SecurityContext.runAsNonRoot", "SecurityContext.readOnlyRootFilesystem",
            "SecurityContext.allowPrivilegeEscalation", "SecurityContext.procMount",
            "WindowsSecurityContextOptions.gmsaCredentialSpecName", "WindowsSecurityContextOptions.gmsaCredentialSpec",
            "WindowsSecurityContextOptions.runAsUserName", "WindowsSecurityContextOptions.hostProcess",
            "SeccompProfile.localhostProfile", "AppArmorProfile.localhostProfile", "PodSecurityContext.runAsUser",
            "PodSecurityContext.runAsGroup", "PodSecurityContext.runAsNonRoot", "PodSecurityContext.fsGroup",
            "PodSecurityContext.fsGroupChangePolicy", "PodSpec.terminationGracePeriodSeconds",
            "PodSpec.activeDeadlineSeconds", "PodSpec.automountServiceAccountToken", "PodSpec.shareProcessNamespace",
            "PodSpec.priority", "PodSpec.runtimeClassName", "PodSpec.enableServiceLinks", "PodSpec.preemptionPolicy",
            "PodSpec.setHostnameAsFQDN", "PodSpec.hostUsers", "Toleration.tolerationSeconds",
            "TopologySpreadConstraint.minDomains", "TopologySpreadConstraint.nodeAffinityPolicy",
            "TopologySpreadConstraint.nodeTaintsPolicy", "PodDNSConfigOption.value",
            "PodResourceClaim.resourceClaimName", "PodResourceClaim.resourceClaimTemplateName",
            "ClaimSource.resourceClaimName", "ClaimSource.resourceClaimTemplateName",
            "PodResourceClaimStatus.resourceClaimName", "ContainerStatus.started",
            "PodLogOptions.sinceSeconds", "PodLogOptions.tailLines", "PodLogOptions.limitBytes",
            // core/v1: services, config, accounts, controllers
            "ServiceSpec.allocateLoadBalancerNodePorts", "ServiceSpec.loadBalancerClass",
            "ServiceSpec.internalTrafficPolicy", "ServiceSpec.ipFamilyPolicy", "ServiceSpec.trafficDistribution",
            "ClientIPConfig.timeoutSeconds", "ServicePort.appProtocol", "EndpointPort.appProtocol",
            "EndpointAddress.nodeName", "LoadBalancerIngress.ipMode", "PortStatus.error", "Secret.immutable",
            "ConfigMap.immutable", "ServiceAccount.automountServiceAccountToken", "ReplicationControllerSpec.replicas",
            "NodeRuntimeHandlerFeatures.recursiveReadOnlyMounts", "NodeRuntimeHandlerFeatures.userNamespaces",
            // apps
            "DeploymentSpec.replicas", "DeploymentSpec.revisionHistoryLimit", "DeploymentSpec.progressDeadlineSeconds",
            "StatefulSetSpec.replicas", "StatefulSetSpec.revisionHistoryLimit", "DaemonSetSpec.revisionHistoryLimit",
            "ReplicaSetSpec.replicas", "RollingUpdateStatefulSetStrategy.partition",
            "RollingUpdateStatefulSetStrategy.maxUnavailable", "RollingUpdateDeployment.maxUnavailable",
            "RollingUpdateDeployment.maxSurge", "RollingUpdateDaemonSet.maxUnavailable",
            "RollingUpdateDaemonSet.maxSurge", "DeploymentStatus.collisionCount", "StatefulSetStatus.collisionCount",
            "DaemonSetStatus.collisionCount",
            // batch
            "JobSpec.parallelism", "JobSpec.completions", "JobSpec.activeDeadlineSeconds", "JobSpec.backoffLimit",
            "JobSpec.backoffLimitPerIndex", "JobSpec.maxFailedIndexes", "JobSpec.manualSelector",
            "JobSpec.ttlSecondsAfterFinished", "JobSpec.completionMode", "JobSpec.suspend",
            "JobSpec.podReplacementPolicy", "JobSpec.managedBy", "JobStatus.ready", "JobStatus.failedIndexes",
            "JobStatus.terminating", "PodFailurePolicyOnExitCodesRequirement.containerName",
            "SuccessPolicyRule.succeededIndexes", "SuccessPolicyRule.succeededCount", "CronJobSpec.timeZone",
            "CronJobSpec.startingDeadlineSeconds", "CronJobSpec.suspend", "CronJobSpec.successfulJobsHistoryLimit",
            "CronJobSpec.failedJobsHistoryLimit",
            // policy, networking, scheduling, authn/z, autoscaling, certificates
            "PodDisruptionBudgetSpec.minAvailable", "PodDisruptionBudgetSpec.maxUnavailable",
            "PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy", "IngressSpec.ingressClassName",
            "HTTPIngressPath.pathType", "NetworkPolicyPort.protocol", "NetworkPolicyPort.port",
            "NetworkPolicyPort.endPort", "IngressClassParametersReference.aPIGroup",
            "IngressClassParametersReference.scope", "IngressClassParametersReference.namespace",
            "IngressPortStatus.error", "PriorityClass.value", "PriorityClass.preemptionPolicy",
            "TokenRequestSpec.expirationSeconds", "SubjectAccessReviewStatus.allowed",
            "HorizontalPodAutoscalerSpec.minReplicas", "HorizontalPodAutoscalerSpec.targetCPUUtilizationPercentage",
            "HorizontalPodAutoscalerStatus.observedGeneration",
            "HorizontalPodAutoscalerStatus.currentCPUUtilizationPercentage",
            "HPAScalingRules.stabilizationWindowSeconds", "HPAScalingRules.selectPolicy",
            "MetricTarget.averageUtilization", "MetricValueStatus.averageUtilization",
            "ResourceMetricSource.targetAverageUtilization", "ResourceMetricStatus.currentAverageUtilization",
            "ContainerResourceMetricSource.targetAverageUtilization",
            "ContainerResourceMetricStatus.currentAverageUtilization",
            "CertificateSigningRequestSpec.expirationSeconds",
            // storage
            "StorageClass.allowVolumeExpansion", "StorageClass.reclaimPolicy", "StorageClass.volumeBindingMode",
            "CSIDriverSpec.attachRequired", "CSIDriverSpec.podInfoOnMount", "CSIDriverSpec.storageCapacity",
            "CSIDriverSpec.fsGroupPolicy", "CSIDriverSpec.requiresRepublish", "CSIDriverSpec.seLinuxMount",
            "VolumeNodeResources.count", "VolumeAttachmentSource.persistentVolumeName",
            // admissionregistration
            "ValidatingWebhook.failurePolicy", "ValidatingWebhook.matchPolicy", "ValidatingWebhook.sideEffects",
            "ValidatingWebhook.timeoutSeconds", "MutatingWebhook.failurePolicy", "MutatingWebhook.matchPolicy",
            "MutatingWebhook.sideEffects", "MutatingWebhook.timeoutSeconds", "MutatingWebhook.reinvocationPolicy",
            "Rule.scope", "ServiceReference.path", "ServiceReference.port", "WebhookClientConfig.url",
            "ValidatingAdmissionPolicySpec.failurePolicy", "ParamRef.parameterNotFoundAction",
            "MatchResources.matchPolicy", "Validation.reason");

    private ProtobufJson() {
    }

    /**
     * Writes the set fields of {@code message} into {@code out}.
     *
     * @param depth how many embedded objects (RawExtension holding a protobuf object) enclose this one
     */
    static void writeFields(Message message, ObjectNode out, int depth) {
        Descriptor type = message.getDescriptorForType();
        for (FieldDescriptor field : type.getFields()) {
            String name = RENAMED.getOrDefault(type.getName() + "." + field.getName(), field.getName());
            if (field.isMapField()) {
                List<?> entries = (List<?>) message.getField(field);
                if (!entries.isEmpty()) out.set(name, map(field, entries, depth));
            } else if (field.isRepeated()) {
                int n = message.getRepeatedFieldCount(field);
                if (n == 0) continue;
                ArrayNode array = out.putArray(name);
                for (int i = 0; i < n; i++) array.add(element(field, message.getRepeatedField(field, i), depth));
            } else if (message.hasField(field)) {
                Object value = message.getField(field);
                boolean keepZero = KEEP_ZERO.contains(type.getName() + "." + field.getName());
                if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    Message child = (Message) value;
                    if (INLINE.contains(field.getName())) {
                        writeFields(child, out, depth);
                    } else {
                        JsonNode node = message(child, keepZero, depth);
                        if (node != null) out.set(name, node);
                    }
                } else if (keepZero || !isZero(value)) {
                    out.set(name, scalar(field, value));
                }
            }
        }
    }

    /** Map entries are kept whatever their value: a Secret key with empty data is still a key. */
    private static ObjectNode map(FieldDescriptor field, List<?> entries, int depth) {
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByNumber(1);
        FieldDescriptor valueField = entryType.findFieldByNumber(2);
        ObjectNode map = NODES.objectNode();
        for (Object e : entries) {
            Message entry = (Message) e;
            map.set(String.valueOf(entry.getField(keyField)), element(valueField, entry.getField(valueField), depth));
        }
        return map;
    }

    /** A list element or map value: never dropped, so a zero stays a zero and an empty Time is null. */
    private static JsonNode element(FieldDescriptor field, Object value, int depth) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) return scalar(field, value);
        JsonNode node = message((Message) value, true, depth);
        return node == null ? NODES.nullNode() : node;
    }

    /** A nested message in its JSON form, or null when Go would write nothing (or null) for it. */
    private static JsonNode message(Message m, boolean keepZero, int depth) {
        Descriptor type = m.getDescriptorForType();
        String fullName = type.getFullName();
        switch (fullName) {
            case TIME:
                return time(m, RFC3339);
            case MICRO_TIME:
                return time(m, RFC3339_MICRO);
            case DURATION:
                return NODES.textNode(goDuration((Long) m.getField(type.findFieldByName("duration"))));
            case INT_OR_STRING:
                return intOrString(m, keepZero);
            case QUANTITY: {
                // Go marshals a zero Quantity as "0"; a message without the field decodes to that zero.
                FieldDescriptor s = type.findFieldByName("string");
                return NODES.textNode(m.hasField(s) ? (String) m.getField(s) : "0");
            }
            case RAW_EXTENSION:
            case FIELDS_V1:
                return embedded((ByteString) m.getField(type.getFields().getFirst()), depth);
            case VERBS:
                return strings(m);
            default:
                // ExtraValue (authentication, authorization, certificates) is a Go []string.
                if (type.getName().equals("ExtraValue")) return strings(m);
                ObjectNode object = NODES.objectNode();
                writeFields(m, object, depth);
                return object;
        }
    }

    private static ArrayNode strings(Message m) {
        FieldDescriptor items = m.getDescriptorForType().findFieldByName("items");
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < m.getRepeatedFieldCount(items); i++) array.add((String) m.getRepeatedField(items, i));
        return array;
    }

    /**
     * metav1.Time and MicroTime. An empty message is Go's zero time, which Kubernetes writes as null
     * (e.g. every creationTimestamp kubectl sends); we leave it out. Time has second precision in JSON.
     */
    private static JsonNode time(Message m, DateTimeFormatter format) {
        Descriptor type = m.getDescriptorForType();
        FieldDescriptor seconds = type.findFieldByName("seconds");
        FieldDescriptor nanos = type.findFieldByName("nanos");
        if (!m.hasField(seconds) && !m.hasField(nanos)) return null;
        ZonedDateTime t = Instant.ofEpochSecond((Long) m.getField(seconds), (Integer) m.getField(nanos))
                .atZone(ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            throw new ProtobufDecodeException("timestamp year " + t.getYear() + " is outside of 0..9999");
        }
        return NODES.textNode(format.format(t));
    }

    /** type 0 is an int, 1 a string; the zero of a non-pointer IntOrString is "unset" and dropped. */
    private static JsonNode intOrString(Message m, boolean keepZero) {
        Descriptor type = m.getDescriptorForType();
        long kind = (Long) m.getField(type.findFieldByName("type"));
        if (kind == 0) {
            int value = (Integer) m.getField(type.findFieldByName("intVal"));
            return value == 0 && !keepZero ? null : NODES.numberNode(value);
        }
        if (kind == 1) {
            String value = (String) m.getField(type.findFieldByName("strVal"));
            return value.isEmpty() && !keepZero ? null : NODES.textNode(value);
        }
        throw new ProtobufDecodeException("invalid IntOrString type " + kind);
    }

    /**
     * RawExtension and FieldsV1 bytes: JSON as is, or a nested protobuf object (a RawExtension inside a
     * protobuf body may itself be protobuf), decoded recursively with a depth limit.
     */
    private static JsonNode embedded(ByteString raw, int depth) {
        if (raw.isEmpty()) return null;
        byte[] bytes = raw.toByteArray();
        if (ProtobufDecoder.hasMagic(bytes)) return ProtobufDecoder.decode(bytes, "", "", depth + 1);
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ProtobufDecodeException("embedded object is neither JSON nor protobuf: " + e.getMessage(), e);
        }
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case Integer i -> i == 0;
            case Long l -> l == 0;
            case Float f -> f == 0;
            case Double d -> d == 0;
            case Boolean b -> !b;
            case String s -> s.isEmpty();
            case ByteString b -> b.isEmpty();
            case EnumValueDescriptor e -> e.getNumber() == 0;
            default -> false;
        };
    }

    private static JsonNode scalar(FieldDescriptor field, Object value) {
        return switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> NODES.numberNode((Integer) value);
            case UINT32, FIXED32 -> integer(Integer.toUnsignedLong((Integer) value));
            case INT64, SINT64, SFIXED64 -> integer((Long) value);
            case UINT64, FIXED64 -> (Long) value < 0
                    ? NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)))
                    : integer((Long) value);
            case FLOAT, DOUBLE -> {
                double d = ((Number) value).doubleValue();
                if (!Double.isFinite(d)) throw new ProtobufDecodeException(field.getName() + " is not a finite number");
                yield NODES.numberNode(d);
            }
            case BOOL -> NODES.booleanNode((Boolean) value);
            case STRING -> NODES.textNode((String) value);
            // Go's encoding/json writes []byte as standard, padded base64 (Secret.data, ConfigMap.binaryData).
            case BYTES -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.textNode(((EnumValueDescriptor) value).getName());
            case MESSAGE, GROUP -> throw new IllegalStateException("not a scalar: " + field.getFullName());
        };
    }

    /**
     * The smallest node that holds the number, as Jackson's parser would choose: trees decoded from
     * protobuf then compare equal to the same object parsed from JSON (IntNode(3) != LongNode(3)).
     */
    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    /** Go's time.Duration.String(): "1h0m0s", "1m30s", "1.5s", "500ms", "0s". */
    static String goDuration(long nanos) {
        if (nanos == 0) return "0s";
        boolean negative = nanos < 0;
        long u = negative ? -nanos : nanos; // Long.MIN_VALUE stays negative; the unsigned ops below handle it
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            if (u < 1_000L) {
                out.append(u).append("ns");
            } else if (u < 1_000_000L) {
                out.append(fraction(u, 1_000L)).append("µs");
            } else {
                out.append(fraction(u, 1_000_000L)).append("ms");
            }
        } else {
            long seconds = Long.divideUnsigned(u, 1_000_000_000L);
            String frac = fractionDigits(Long.remainderUnsigned(u, 1_000_000_000L), 1_000_000_000L);
            long hours = seconds / 3600;
            long minutes = seconds / 60 % 60;
            if (hours > 0) out.append(hours).append('h');
            if (hours > 0 || minutes > 0) out.append(minutes).append('m');
            out.append(seconds % 60).append(frac).append('s');
        }
        return negative ? "-" + out : out.toString();
    }

    private static String fraction(long value, long unit) {
        return (value / unit) + fractionDigits(value % unit, unit);
    }

    /** ".5" for 500 of 1000; "" when there is no remainder. */
    private static String fractionDigits(long remainder, long unit) {
        if (remainder == 0) return "";
        String digits = Long.toString(remainder + unit).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') end--;
        return "." + digits.substring(0, end);
    }
}
