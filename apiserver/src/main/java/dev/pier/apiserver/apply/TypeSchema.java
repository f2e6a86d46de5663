package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pier.apiserver.crd.CustomResources;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.schema.Property;
import dev.pier.apiserver.schema.SchemaCatalog;
import dev.pier.apiserver.schema.Shape;
import dev.pier.apiserver.schema.TypeDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What structured merge needs to know of a position in an object: whether a value there is a leaf
 * (a scalar, an atomic list or map, replaced whole), a map (struct fields or granular map entries, merged
 * key by key) or a list merged as a set or by key fields. Built from the {@link SchemaCatalog} for built-in
 * kinds, from a CRD's openAPIV3Schema ({@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys},
 * {@code x-kubernetes-map-type}; lists default to atomic) for custom resources, and deduced from the value
 * where nothing is known (maps granular, lists atomic), as Kubernetes does for untyped values.
 */
abstract class TypeSchema {
    enum Rel { LEAF, MAP, LIST }

    /** What kind of value a Go zero value of a built-in type always has at a field. */
    enum Zero { OBJECT, LIST }

    /** How a value here is merged; {@code sample} is a present value or null when unknown. */
    abstract Rel rel(JsonNode sample);

    /** The schema of a map's field or entry. */
    TypeSchema field(String name) {
        return DEDUCED;
    }

    /** True when a map here is a struct that declares this field (entries of granular maps are not declared). */
    boolean declares(String name) {
        return false;
    }

    /** For lists: merged as a set of scalars (else by {@link #keys()}). */
    boolean isSet() {
        return false;
    }

    /** For lists merged by key: the key fields. */
    List<String> keys() {
        return List.of();
    }

    /** For lists: the items' schema. */
    TypeSchema items() {
        return DEDUCED;
    }

    /** For list items: the default of a key field a list item may omit (e.g. a port's protocol), or null. */
    JsonNode keyDefault(String field) {
        return null;
    }

    /** Fields a Go zero value of this struct always has (see {@link Structured#zeroFill}). */
    Map<String, Zero> zeroFields() {
        return Map.of();
    }

    // ---------------------------------------------------------------- factories

    /** The schema of a resource type's objects. */
    static TypeSchema of(ResourceType type) {
        JsonNode crd = CustomResources.openApiSchema(type);
        TypeSchema meta = new Struct(SchemaCatalog.shared().objectMeta(), false);
        if (crd != null && crd.isObject() && !crd.isEmpty()) return new CrdRoot(crd, meta);
        TypeDef root = SchemaCatalog.shared().kind(type.group(), type.version(), type.kind());
        if (root != null) return new Struct(root, true);
        return new CrdRoot(null, meta);
    }

    static final TypeSchema LEAF = new TypeSchema() {
        @Override
        Rel rel(JsonNode sample) {
            return Rel.LEAF;
        }
    };

    /** Untyped: maps are granular, lists atomic. */
    static final TypeSchema DEDUCED = new TypeSchema() {
        @Override
        Rel rel(JsonNode sample) {
            return sample != null && sample.isObject() ? Rel.MAP : Rel.LEAF;
        }
    };

    private static boolean mapLike(JsonNode sample) {
        return sample == null || sample.isNull() || sample.isObject();
    }

    private static boolean listLike(JsonNode sample) {
        return sample == null || sample.isNull() || sample.isArray();
    }

    // ---------------------------------------------------------------- built-in types

    /** Value-typed (never nil) struct fields of Kubernetes' Go types, by type, beyond metadata/spec/status of kinds. */
    private static final Map<String, List<String>> VALUE_STRUCTS = Map.ofEntries(
            Map.entry("PodTemplateSpec", List.of("metadata", "spec")),
            Map.entry("PodTemplate", List.of("template")),
            Map.entry("JobTemplateSpec", List.of("metadata", "spec")),
            Map.entry("DeploymentSpec", List.of("template", "strategy")),
            Map.entry("ReplicaSetSpec", List.of("template")),
            Map.entry("StatefulSetSpec", List.of("template", "updateStrategy")),
            Map.entry("DaemonSetSpec", List.of("template", "updateStrategy")),
            Map.entry("JobSpec", List.of("template")),
            Map.entry("CronJobSpec", List.of("jobTemplate")),
            Map.entry("Container", List.of("resources")),
            Map.entry("EphemeralContainer", List.of("resources")),
            Map.entry("PersistentVolumeClaimSpec", List.of("resources")),
            Map.entry("ServiceStatus", List.of("loadBalancer")),
            Map.entry("NodeStatus", List.of("daemonEndpoints", "nodeInfo")),
            Map.entry("DaemonEndpoints", List.of("kubeletEndpoint")),
            Map.entry("RoleBinding", List.of("roleRef")),
            Map.entry("ClusterRoleBinding", List.of("roleRef")));
    /** Lists Go serializes as null rather than omitting them. */
    private static final Map<String, List<String>> NULL_LISTS = Map.of("PodSpec", List.of("containers"));
    /** Defaults of list-map key fields items may omit. */
    private static final Map<String, JsonNode> KEY_DEFAULTS = Map.of(
            "ContainerPort.protocol", TextNode.valueOf("TCP"),
            "ServicePort.protocol", TextNode.valueOf("TCP"));
    private static final Set<String> ROOT_VALUE_FIELDS = Set.of("metadata", "spec", "status");

    /** An object type of the catalog. */
    static final class Struct extends TypeSchema {
        private final TypeDef type;
        private final boolean root;

        Struct(TypeDef type, boolean root) {
            this.type = type;
            this.root = root;
        }

        @Override
        Rel rel(JsonNode sample) {
            return switch (type.form()) {
                case OBJECT -> "atomic".equals(type.mapType()) || !mapLike(sample) ? Rel.LEAF : Rel.MAP;
                case OPAQUE -> DEDUCED.rel(sample);
                default -> Rel.LEAF;
            };
        }

        @Override
        TypeSchema field(String name) {
            if (type.form() != TypeDef.Form.OBJECT) return DEDUCED;
            Property p = type.property(name);
            return p == null ? DEDUCED : ofShape(p.shape(), p);
        }

        @Override
        boolean declares(String name) {
            return type.form() == TypeDef.Form.OBJECT && type.property(name) != null;
        }

        @Override
        Map<String, Zero> zeroFields() {
            if (type.form() != TypeDef.Form.OBJECT) return Map.of();
            Map<String, Zero> out = new java.util.LinkedHashMap<>();
            List<String> structs = VALUE_STRUCTS.getOrDefault(type.shortName(), List.of());
            for (String f : type.properties().keySet()) {
                boolean value = structs.contains(f) || root && ROOT_VALUE_FIELDS.contains(f);
                if (value && type.property(f).shape() instanceof Shape.Ref r && r.type().form() == TypeDef.Form.OBJECT) {
                    out.put(f, Zero.OBJECT);
                }
            }
            for (String f : NULL_LISTS.getOrDefault(type.shortName(), List.of())) {
                if (type.property(f) != null) out.put(f, Zero.LIST);
            }
            return out;
        }

        @Override
        JsonNode keyDefault(String field) {
            return KEY_DEFAULTS.get(type.shortName() + "." + field);
        }
    }

    private static TypeSchema ofShape(Shape shape, Property p) {
        return switch (shape) {
            case Shape.Primitive ignored -> LEAF;
            case Shape.Ref r -> new Struct(r.type(), false);
            case Shape.MapOf m -> p != null && "atomic".equals(p.mapType()) ? LEAF : new GranularMap(ofShape(m.values(), null));
            case Shape.ArrayOf a -> {
                TypeSchema items = ofShape(a.items(), null);
                if (p == null) yield LEAF; // lists of lists are atomic
                String listType = p.listType();
                List<String> keys = p.listMapKeys();
                if (listType == null && p.mergesList()) listType = p.patchMergeKey() != null ? "map" : "set";
                if ("map".equals(listType) && keys.isEmpty() && p.patchMergeKey() != null) keys = List.of(p.patchMergeKey());
                if ("map".equals(listType) && !keys.isEmpty()) yield new ListOf(false, keys, items);
                if ("set".equals(listType)) yield new ListOf(true, List.of(), items);
                yield LEAF;
            }
        };
    }

    /** A map with arbitrary keys whose entries merge one by one (labels, data, resources.limits). */
    static final class GranularMap extends TypeSchema {
        private final TypeSchema values;

        GranularMap(TypeSchema values) {
            this.values = values;
        }

        @Override
        Rel rel(JsonNode sample) {
            return mapLike(sample) ? Rel.MAP : Rel.LEAF;
        }

        @Override
        TypeSchema field(String name) {
            return values;
        }
    }

    /** A list merged as a set or by key fields. */
    static final class ListOf extends TypeSchema {
        private final boolean set;
        private final List<String> keys;
        private final TypeSchema items;

        ListOf(boolean set, List<String> keys, TypeSchema items) {
            this.set = set;
            this.keys = List.copyOf(keys);
            this.items = items;
        }

        @Override
        Rel rel(JsonNode sample) {
            return listLike(sample) ? Rel.LIST : Rel.LEAF;
        }

        @Override
        boolean isSet() {
            return set;
        }

        @Override
        List<String> keys() {
            return keys;
        }

        @Override
        TypeSchema items() {
            return items;
        }
    }

    // ---------------------------------------------------------------- custom resources

    /** The root of a custom resource: apiVersion, kind, ObjectMeta, then the CRD's schema (or nothing known). */
    static final class CrdRoot extends TypeSchema {
        private final Crd body;
        private final TypeSchema meta;

        CrdRoot(JsonNode schema, TypeSchema meta) {
            this.body = schema == null ? null : new Crd(schema);
            this.meta = meta;
        }

        @Override
        Rel rel(JsonNode sample) {
            return Rel.MAP;
        }

        @Override
        TypeSchema field(String name) {
            return switch (name) {
                case "metadata" -> meta;
                case "apiVersion", "kind" -> LEAF;
                default -> body == null ? DEDUCED : body.field(name);
            };
        }

        @Override
        boolean declares(String name) {
            return switch (name) {
                case "metadata", "apiVersion", "kind" -> true;
                default -> body != null && body.declares(name);
            };
        }
    }

    /** A node of a CRD's openAPIV3Schema. */
    static final class Crd extends TypeSchema {
        private final JsonNode s;

        Crd(JsonNode s) {
            this.s = s;
        }

        private String type() {
            String t = s.path("type").asText("");
            if (t.isEmpty()) {
                if (s.has("properties") || s.has("additionalProperties")) return "object";
                if (s.has("items")) return "array";
            }
            return t;
        }

        @Override
        Rel rel(JsonNode sample) {
            if (s.path("x-kubernetes-int-or-string").asBoolean(false)) return Rel.LEAF;
            String t = type();
            if (t.equals("object")) {
                if ("atomic".equals(s.path("x-kubernetes-map-type").asText())) return Rel.LEAF;
                return mapLike(sample) ? Rel.MAP : Rel.LEAF;
            }
            if (t.equals("array")) {
                String lt = s.path("x-kubernetes-list-type").asText("atomic");
                if (lt.equals("set") || lt.equals("map") && !keys().isEmpty()) return listLike(sample) ? Rel.LIST : Rel.LEAF;
                return Rel.LEAF;
            }
            if (t.isEmpty() && s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) return DEDUCED.rel(sample);
            return Rel.LEAF;
        }

        @Override
        TypeSchema field(String name) {
            JsonNode p = s.path("properties").get(name);
            if (p != null && p.isObject()) return crdOrMeta(p, name);
            JsonNode ap = s.get("additionalProperties");
            if (ap != null && ap.isObject()) return new Crd(ap);
            return DEDUCED;
        }

        private TypeSchema crdOrMeta(JsonNode p, String name) {
            if (name.equals("metadata") && s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
                return new Struct(SchemaCatalog.shared().objectMeta(), false);
            }
            return new Crd(p);
        }

        @Override
        boolean declares(String name) {
            return s.path("properties").has(name);
        }

        @Override
        boolean isSet() {
            return s.path("x-kubernetes-list-type").asText().equals("set");
        }

        @Override
        List<String> keys() {
            List<String> keys = new ArrayList<>();
            if (!s.path("x-kubernetes-list-type").asText().equals("map")) return keys;
            s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
            return keys;
        }

        @Override
        TypeSchema items() {
            JsonNode items = s.get("items");
            return items != null && items.isObject() ? new Crd(items) : DEDUCED;
        }

        @Override
        JsonNode keyDefault(String field) {
            JsonNode d = s.path("properties").path(field).get("default");
            return d == null || d.isNull() ? null : d;
        }
    }
}
