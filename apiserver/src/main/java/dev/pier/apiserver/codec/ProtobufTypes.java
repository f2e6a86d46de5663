package dev.pier.apiserver.codec;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the protobuf message for an apiVersion and kind among the classes that client-java-proto
 * generated from Kubernetes' generated.proto files. The table is built once from the file descriptors,
 * so a newer client-java-proto brings its new kinds without code changes here (new groups only need
 * their outer class and group name added below).
 */
final class ProtobufTypes {
    private static final String OUTER_PACKAGE = "io.kubernetes.client.proto.";

    /**
     * The outer classes to look at. apiextensions (V1beta1Apiextensions) is deliberately left out: its
     * JSONSchemaProps family has hand-written JSON forms ($ref, x-kubernetes-*, "OrBool"/"OrArray"
     * unions) that a generic walk would get wrong, and only the long-removed v1beta1 is generated anyway.
     * Names missing from the jar on the classpath are skipped, so this list may run ahead of the jar.
     */
    private static final List<String> OUTER_CLASSES = List.of(
            "Meta", "V1", "V1Admission", "V1Admissionregistration", "V1Apps", "V1Authentication",
            "V1Authorization", "V1Autoscaling", "V2Autoscaling", "V1Batch", "V1Certificates",
            "V1Coordination", "V1Discovery", "V1Events", "V1Networking", "V1Node", "V1Policy", "V1Rbac",
            "V1Scheduling", "V1Storage", "V1alpha1Imagepolicy", "V1alpha1Rbac", "V1alpha1Scheduling",
            "V1beta1Admission", "V1beta1Admissionregistration", "V1beta1Apps", "V1beta1Authentication",
            "V1beta1Authorization", "V1beta1Batch", "V1beta1Certificates", "V1beta1Extensions",
            "V1beta1Policy", "V1beta1Rbac", "V1beta1Storage", "V1beta2Apps", "V2beta1Autoscaling",
            "V2beta2Autoscaling");

    /** API group of each {@code k8s.io.api.<segment>.<version>} proto package; "" is the core group. */
    private static final Map<String, String> GROUPS = Map.ofEntries(
            Map.entry("core", ""),
            Map.entry("apps", "apps"),
            Map.entry("batch", "batch"),
            Map.entry("policy", "policy"),
            Map.entry("autoscaling", "autoscaling"),
            Map.entry("extensions", "extensions"),
            Map.entry("rbac", "rbac.authorization.k8s.io"),
            Map.entry("networking", "networking.k8s.io"),
            Map.entry("scheduling", "scheduling.k8s.io"),
            Map.entry("storage", "storage.k8s.io"),
            Map.entry("authentication", "authentication.k8s.io"),
            Map.entry("authorization", "authorization.k8s.io"),
            Map.entry("certificates", "certificates.k8s.io"),
            Map.entry("admissionregistration", "admissionregistration.k8s.io"),
            Map.entry("admission", "admission.k8s.io"),
            Map.entry("imagepolicy", "imagepolicy.k8s.io"),
            Map.entry("coordination", "coordination.k8s.io"),
            Map.entry("discovery", "discovery.k8s.io"),
            Map.entry("events", "events.k8s.io"),
            Map.entry("node", "node.k8s.io"),
            Map.entry("flowcontrol", "flowcontrol.apiserver.k8s.io"),
            Map.entry("resource", "resource.k8s.io"),
            Map.entry("storagemigration", "storagemigration.k8s.io"),
            Map.entry("apiserverinternal", "internal.apiserver.k8s.io"));

    private static final String META_PACKAGE = "k8s.io.apimachinery.pkg.apis.meta.v1";
    private static final String OBJECT_META = META_PACKAGE + ".ObjectMeta";
    private static final String LIST_META = META_PACKAGE + ".ListMeta";

    /**
     * meta/v1 kinds that Kubernetes registers in every group version (metav1.AddToGroupVersion), so a
     * client may send e.g. apps/v1 DeleteOptions.
     */
    private static final Set<String> META_KINDS = Set.of(
            "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "GetOptions", "ListOptions",
            "WatchEvent", "Status");

    /** "apiVersion/kind" → message. */
    private static final Map<String, Descriptor> KINDS = new HashMap<>();
    private static final Set<String> API_VERSIONS = new HashSet<>();
    private static final Map<String, Descriptor> META = new HashMap<>();

    static {
        for (String name : OUTER_CLASSES) {
            FileDescriptor file = fileDescriptor(name);
            if (file == null) continue;
            String apiVersion = apiVersion(file.getPackage());
            if (apiVersion == null) continue;
            API_VERSIONS.add(apiVersion);
            for (Descriptor message : file.getMessageTypes()) {
                boolean metaKind = file.getPackage().equals(META_PACKAGE) && META_KINDS.contains(message.getName());
                if (metaKind) META.put(message.getName(), message);
                if (metaKind || isKind(message)) KINDS.put(apiVersion + "/" + message.getName(), message);
            }
        }
    }

    private ProtobufTypes() {
    }

    /** The message for this apiVersion ("v1", "apps/v1") and kind, or null when there is none. */
    static Descriptor find(String apiVersion, String kind) {
        Descriptor d = KINDS.get(apiVersion + "/" + kind);
        if (d == null && API_VERSIONS.contains(apiVersion)) d = META.get(kind);
        return d;
    }

    private static FileDescriptor fileDescriptor(String outerClass) {
        try {
            Class<?> c = Class.forName(OUTER_PACKAGE + outerClass, true, ProtobufTypes.class.getClassLoader());
            return (FileDescriptor) c.getMethod("getDescriptor").invoke(null);
        } catch (ClassNotFoundException e) {
            return null; // not generated in this client-java-proto version
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the protobuf descriptor of " + outerClass, e);
        }
    }

    /** "k8s.io.api.apps.v1" → "apps/v1", "k8s.io.api.core.v1" → "v1"; null for packages we do not serve. */
    private static String apiVersion(String protoPackage) {
        if (protoPackage.equals(META_PACKAGE)) return "meta.k8s.io/v1";
        if (!protoPackage.startsWith("k8s.io.api.")) return null;
        String rest = protoPackage.substring("k8s.io.api.".length());
        int dot = rest.indexOf('.');
        if (dot < 0) return null;
        String group = GROUPS.get(rest.substring(0, dot));
        if (group == null) return null;
        String version = rest.substring(dot + 1);
        return group.isEmpty() ? version : group + "/" + version;
    }

    /**
     * Top-level kinds are the messages with object or list metadata; this keeps nested types such as
     * ContainerPort from being accepted as a body's kind.
     */
    private static boolean isKind(Descriptor message) {
        FieldDescriptor metadata = message.findFieldByName("metadata");
        if (metadata == null || metadata.getType() != FieldDescriptor.Type.MESSAGE) return false;
        String type = metadata.getMessageType().getFullName();
        return type.equals(OBJECT_META) || type.equals(LIST_META);
    }
}
