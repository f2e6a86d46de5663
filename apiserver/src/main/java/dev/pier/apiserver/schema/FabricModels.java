package dev.pier.apiserver.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link TypeDef}s by reflection over fabric8's Kubernetes model classes: their Jackson
 * {@code @JsonProperty} fields give the JSON names, the Java field types give the shapes (List, Map,
 * IntOrString, Quantity, nested classes), and {@link KnownExtensions} adds what Go struct tags say.
 * fabric8's catch-all {@code additionalProperties} is not a property. Not thread-safe: the catalog
 * calls it under its lock.
 */
final class FabricModels {
    static final String MODEL = "io.fabric8.kubernetes.api.model";

    /** fabric8 package of each served group-version. */
    private static final Map<String, String> PACKAGE_OF_GROUP_VERSION = Map.ofEntries(
            Map.entry("v1", MODEL),
            Map.entry("apps/v1", MODEL + ".apps"),
            Map.entry("batch/v1", MODEL + ".batch.v1"),
            Map.entry("certificates.k8s.io/v1", MODEL + ".certificates.v1"),
            Map.entry("coordination.k8s.io/v1", MODEL + ".coordination.v1"),
            Map.entry("discovery.k8s.io/v1", MODEL + ".discovery.v1"),
            Map.entry("storage.k8s.io/v1", MODEL + ".storage"),
            Map.entry("events.k8s.io/v1", MODEL + ".events.v1"),
            Map.entry("policy/v1", MODEL + ".policy.v1"),
            Map.entry("rbac.authorization.k8s.io/v1", MODEL + ".rbac"),
            Map.entry("networking.k8s.io/v1", MODEL + ".networking.v1"));

    /** Kubernetes schema-name prefix of each fabric8 package. */
    private static final Map<String, String> SCHEMA_PREFIX_OF_PACKAGE = Map.ofEntries(
            Map.entry(MODEL, KnownExtensions.CORE),
            Map.entry(MODEL + ".apps", KnownExtensions.APPS),
            Map.entry(MODEL + ".batch.v1", KnownExtensions.BATCH),
            Map.entry(MODEL + ".certificates.v1", KnownExtensions.CERTIFICATES),
            Map.entry(MODEL + ".coordination.v1", "io.k8s.api.coordination.v1."),
            Map.entry(MODEL + ".discovery.v1", KnownExtensions.DISCOVERY),
            Map.entry(MODEL + ".storage", KnownExtensions.STORAGE),
            Map.entry(MODEL + ".events.v1", "io.k8s.api.events.v1."),
            Map.entry(MODEL + ".policy.v1", KnownExtensions.POLICY),
            Map.entry(MODEL + ".rbac", KnownExtensions.RBAC),
            Map.entry(MODEL + ".networking.v1", "io.k8s.api.networking.v1."));

    /** Types fabric8 keeps beside core/v1 that Kubernetes defines in apimachinery's meta/v1. */
    private static final Set<String> META_TYPES = Set.of("ObjectMeta", "ListMeta", "ManagedFieldsEntry", "FieldsV1",
            "OwnerReference", "LabelSelector", "LabelSelectorRequirement", "Condition", "Time", "MicroTime", "Status",
            "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions", "APIResource", "APIResourceList",
            "APIGroup", "APIGroupList", "APIVersions", "GroupVersionForDiscovery", "ServerAddressByClientCIDR",
            "WatchEvent", "Patch", "TypeMeta", "Table", "TableColumnDefinition", "TableRow", "TableRowCondition",
            "PartialObjectMetadata", "PartialObjectMetadataList", "RootPaths");

    /** String properties that hold a Time though their names do not say so. */
    private static final Set<String> TIME_NAMES = Set.of("startedAt", "finishedAt", "timeAdded");

    final TypeDef time = special("io.k8s.apimachinery.pkg.apis.meta.v1.Time", TypeDef.Form.DATE_TIME,
            "Time is a timestamp in RFC 3339 form, with second precision, in UTC.");
    final TypeDef microTime = special("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", TypeDef.Form.DATE_TIME,
            "MicroTime is a timestamp in RFC 3339 form with microsecond precision.");
    final TypeDef intOrString = special("io.k8s.apimachinery.pkg.util.intstr.IntOrString", TypeDef.Form.INT_OR_STRING,
            "IntOrString holds either an int32 or a string: a field of this type accepts a number or a name.");
    final TypeDef quantity = special("io.k8s.apimachinery.pkg.api.resource.Quantity", TypeDef.Form.QUANTITY,
            "Quantity is a fixed-point number with an optional decimal SI or binary suffix, such as 100m, 1.5, 128Mi or 2G, "
                    + "written as a string (or a plain number).");
    final TypeDef rawExtension = special("io.k8s.apimachinery.pkg.runtime.RawExtension", TypeDef.Form.OPAQUE,
            "RawExtension holds an embedded object of any kind in its JSON form.");

    private final Map<Class<?>, TypeDef> byClass = new HashMap<>();
    private final ClassLoader loader = FabricModels.class.getClassLoader();

    /** The top-level type of a kind (or of its list kind), or null when fabric8 has no such class. */
    TypeDef kind(Gvk gvk) {
        String pkg = PACKAGE_OF_GROUP_VERSION.get(gvk.apiVersion());
        if (pkg == null) return null;
        Class<?> c;
        try {
            c = Class.forName(pkg + "." + gvk.kind(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!gvk.equals(gvkOf(c))) return null;
        Map<Class<?>, TypeDef> before = new HashMap<>(byClass);
        try {
            return define(c);
        } catch (RuntimeException | LinkageError e) {
            // never keep half-built types: others would see objects without properties
            byClass.clear();
            byClass.putAll(before);
            return null;
        }
    }

    /** The type of a fabric8 model class. */
    TypeDef define(Class<?> c) {
        if (c == IntOrString.class) return intOrString;
        if (c == Quantity.class) return quantity;
        if (c == MicroTime.class) return microTime;
        TypeDef known = byClass.get(c);
        if (known != null) return known;

        String name = schemaName(c);
        Gvk gvk = gvkOf(c);
        LinkedHashMap<String, Field> fields = jsonFields(c);
        TypeDef def = new TypeDef(name, fields.isEmpty() ? TypeDef.Form.OPAQUE : TypeDef.Form.OBJECT, gvk,
                typeDescription(name, gvk));
        byClass.put(c, def); // before the properties: types may refer to themselves
        LinkedHashMap<String, Property> props = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : fields.entrySet()) {
            String prop = e.getKey();
            Shape shape = shape(name, prop, e.getValue().getGenericType());
            KnownExtensions.ListRule rule = shape instanceof Shape.ArrayOf ? KnownExtensions.list(name, prop) : null;
            props.put(prop, new Property(prop, shape, propertyDescription(def, gvk, prop),
                    rule == null ? null : rule.patchStrategy(), rule == null ? null : rule.patchMergeKey(),
                    rule == null ? null : rule.listType(), rule == null ? List.of() : rule.mapKeys(),
                    shape instanceof Shape.MapOf ? KnownExtensions.fieldMapType(name, prop) : null));
        }
        List<String> required = KnownExtensions.required(name).stream().filter(props::containsKey).toList();
        def.complete(props, required, KnownExtensions.structMapType(name), null);
        return def;
    }

    private Shape shape(String owner, String prop, Type t) {
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) return new Shape.ArrayOf(shape(owner, prop, args[0]));
            if (Map.class.isAssignableFrom(raw)) return new Shape.MapOf(mapValue(owner, prop, args[1]));
            return new Shape.Ref(rawExtension);
        }
        if (t instanceof WildcardType w) return shape(owner, prop, w.getUpperBounds()[0]);
        if (!(t instanceof Class<?> c)) return new Shape.Ref(rawExtension);
        if (c == String.class) return isTime(prop) ? new Shape.Ref(time) : Shape.STRING;
        if (c == Integer.class || c == int.class || c == Short.class || c == short.class) return Shape.INT32;
        if (c == Long.class || c == long.class) return Shape.INT64;
        if (c == Boolean.class || c == boolean.class) return Shape.BOOLEAN;
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) return Shape.DOUBLE;
        if (c == byte[].class) return Shape.BYTES;
        if (Temporal.class.isAssignableFrom(c)) return new Shape.Ref(microTime);
        if (c.isEnum()) return Shape.STRING;
        if (c.isArray()) return new Shape.ArrayOf(shape(owner, prop, c.getComponentType()));
        if (c.getName().startsWith("io.fabric8.") && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
            return new Shape.Ref(define(c));
        }
        return new Shape.Ref(rawExtension); // Object, interfaces: an embedded object of any kind
    }

    /** Map values: bytes in Secret.data and ConfigMap.binaryData, Times in PodDisruptionBudgetStatus.disruptedPods. */
    private Shape mapValue(String owner, String prop, Type value) {
        if (value == String.class) {
            if (owner.equals(KnownExtensions.CORE + "Secret") && prop.equals("data")) return Shape.BYTES;
            if (owner.equals(KnownExtensions.CORE + "ConfigMap") && prop.equals("binaryData")) return Shape.BYTES;
            if (owner.equals(KnownExtensions.POLICY + "PodDisruptionBudgetStatus") && prop.equals("disruptedPods")) {
                return new Shape.Ref(time);
            }
            return Shape.STRING;
        }
        return shape(owner, prop, value);
    }

    private static boolean isTime(String prop) {
        return prop.endsWith("Timestamp") || (prop.endsWith("Time") && prop.length() > 4) || prop.equals("time")
                || TIME_NAMES.contains(prop);
    }

    /**
     * The Jackson properties of a class by JSON name, in its {@code @JsonPropertyOrder} order. Field
     * annotations are read only for fields the order does not name (fabric8 renames a few: {@code _continue},
     * {@code _default}): parsing every field's annotations would cost more than the rest of the work.
     */
    private static LinkedHashMap<String, Field> jsonFields(Class<?> c) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) chain.addFirst(k);
        JsonPropertyOrder order = c.getAnnotation(JsonPropertyOrder.class);
        Set<String> ordered = order == null ? Set.of() : Set.of(order.value());
        LinkedHashMap<String, Field> byName = new LinkedHashMap<>();
        for (Class<?> k : chain) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
                String name = f.getName();
                if (!ordered.contains(name)) {
                    if (f.getAnnotation(JsonProperty.class) == null) continue; // additionalProperties and the like
                    JsonIgnore ignore = f.getAnnotation(JsonIgnore.class);
                    if (ignore != null && ignore.value()) continue;
                    name = jsonName(f);
                }
                byName.putIfAbsent(name, f);
            }
        }
        if (order == null) return byName;
        LinkedHashMap<String, Field> out = new LinkedHashMap<>();
        for (String n : order.value()) {
            Field f = byName.remove(n);
            if (f != null) out.put(n, f);
        }
        out.putAll(byName);
        return out;
    }

    private static String jsonName(Field f) {
        JsonProperty p = f.getAnnotation(JsonProperty.class);
        return p == null || p.value().isEmpty() ? f.getName() : p.value();
    }

    /** The Kubernetes schema name of a fabric8 class, e.g. {@code io.k8s.api.apps.v1.Deployment}. */
    static String schemaName(Class<?> c) {
        String simple = c.getSimpleName();
        String pkg = c.getPackageName();
        if (pkg.equals(MODEL) && META_TYPES.contains(simple)) return KnownExtensions.META + simple;
        String prefix = SCHEMA_PREFIX_OF_PACKAGE.get(pkg);
        if (prefix != null) return prefix + simple;
        // another fabric8 package: io.fabric8.kubernetes.api.model.networking.v1 -> io.k8s.api.networking.v1
        String rest = pkg.startsWith(MODEL + ".") ? pkg.substring(MODEL.length() + 1) : pkg;
        return "io.k8s.api." + rest + "." + simple;
    }

    /** The kind a top-level class serves, from fabric8's {@code @Group}/{@code @Version}/{@code @Kind}; null for nested types. */
    private static Gvk gvkOf(Class<?> c) {
        Group g = c.getAnnotation(Group.class);
        Version v = c.getAnnotation(Version.class);
        if (g == null || v == null) return null;
        Kind k = c.getAnnotation(Kind.class);
        return new Gvk(g.value(), v.value(), k != null && !k.value().isEmpty() ? k.value() : c.getSimpleName());
    }

    private static TypeDef special(String name, TypeDef.Form form, String description) {
        TypeDef t = new TypeDef(name, form, null, description);
        t.complete(new LinkedHashMap<>(), List.of(), null, null);
        return t;
    }

    // ---- generated documentation (fabric8's classes carry none)

    private static String typeDescription(String name, Gvk gvk) {
        String simple = name.substring(name.lastIndexOf('.') + 1);
        if (gvk != null) {
            if (gvk.kind().endsWith("List") && gvk.kind().length() > 4) {
                return simple + " is a list of " + gvk.kind().substring(0, gvk.kind().length() - 4) + " objects.";
            }
            return simple + " is a Kubernetes " + gvk.apiVersion() + " API object.";
        }
        if (name.equals(KnownExtensions.META + "ObjectMeta")) {
            return "ObjectMeta holds what every stored object has: name, namespace, labels, annotations, owners, "
                    + "finalizers and the fields the system sets (uid, resourceVersion, creationTimestamp ...).";
        }
        if (name.equals(KnownExtensions.META + "ListMeta")) {
            return "ListMeta holds the metadata of a list: its resourceVersion and the token to continue it.";
        }
        if (name.equals(KnownExtensions.META + "FieldsV1")) {
            return "FieldsV1 records a set of field paths as nested JSON objects, for managedFields.";
        }
        return simple + " is a type of the Kubernetes " + apiOf(name) + " API.";
    }

    /** {@code io.k8s.api.apps.v1.X} -> {@code apps/v1}; {@code io.k8s.apimachinery.pkg.apis.meta.v1.X} -> {@code meta/v1}. */
    private static String apiOf(String name) {
        String[] parts = name.split("\\.");
        return parts.length >= 3 ? parts[parts.length - 3] + "/" + parts[parts.length - 2] : name;
    }

    private static String propertyDescription(TypeDef owner, Gvk gvk, String prop) {
        String kind = gvk != null ? gvk.kind() : owner.shortName();
        if (gvk != null) {
            switch (prop) {
                case "apiVersion" -> {
                    return "The API group and version this object is written in, as group/version (just the version "
                            + "in the core group). The server converts versions it knows and rejects others.";
                }
                case "kind" -> {
                    return "The kind of this object, in CamelCase, naming the REST resource it belongs to. The server "
                            + "may infer it from the request path. It cannot be updated.";
                }
                case "metadata" -> {
                    return kind.endsWith("List") ? "Metadata of the list: its resourceVersion and continue token."
                            : "Metadata of the object: name, namespace, labels, annotations and what the system records.";
                }
                case "spec" -> {
                    return "Spec defines the desired state of the " + kind + ".";
                }
                case "status" -> {
                    return "Status is the most recently observed state of the " + kind
                            + ". Populated by the system. Read-only.";
                }
                case "items" -> {
                    return "Items is the list of " + (kind.endsWith("List") ? kind.substring(0, kind.length() - 4) : kind)
                            + " objects.";
                }
                default -> {
                }
            }
        }
        return "The " + prop + " field of the " + owner.shortName() + ".";
    }
}
