package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.schema.Gvk;
import dev.pier.apiserver.schema.Property;
import dev.pier.apiserver.schema.SchemaCatalog;
import dev.pier.apiserver.schema.Shape;
import dev.pier.apiserver.schema.TypeDef;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * OpenAPI v3 documents: an index of every served group-version and one document per group-version.
 * Each kind has its item path with a {@code patch} operation that carries
 * {@code x-kubernetes-group-version-kind} and the {@code fieldValidation} parameter: that is what makes
 * kubectl leave validation to the server ({@code ?fieldValidation=Strict}).
 * {@code components.schemas} holds every kind of the group-version, its list kind and every type they
 * use, each under its Kubernetes name, generated from the shared {@link SchemaCatalog} as Kubernetes
 * writes them: {@code $ref}s wrapped in {@code allOf}, list and patch extensions that kubectl reads.
 * Built on first use, once per instance; the index's hashes change whenever a document does.
 */
public final class OpenApi {
    private static final String REF = "#/components/schemas/";
    private static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    /** Server-side apply (application/apply-patch+yaml) is not served yet, so it is not offered. */
    private static final List<String> PATCH_TYPES = List.of("application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");
    private static final AtomicBoolean WARMED = new AtomicBoolean();

    private final ResourceRegistry registry;
    private final SchemaCatalog catalog;
    private volatile Built built;

    private record Built(ObjectNode index, Map<String, byte[]> documents, byte[] swagger, byte[] swaggerProtobuf) {
    }

    /**
     * The first instance in a process also builds its documents on a background thread: that derives
     * the shared catalog's types (a few hundred milliseconds of a cold JVM) before clients ask.
     */
    public OpenApi(ResourceRegistry registry) {
        this.registry = registry;
        this.catalog = SchemaCatalog.shared();
        if (WARMED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("pier-openapi-warmup").start(() -> {
                try {
                    built();
                } catch (RuntimeException e) {
                    // the first request builds again and reports the failure
                }
            });
        }
    }

    /** {@code /openapi/v3} */
    public ObjectNode index() {
        return built().index();
    }

    /** The document of {@code api/v1} or {@code apis/<group>/<version>}, or null. */
    public byte[] document(String groupVersionPath) {
        return built().documents().get(groupVersionPath);
    }

    /**
     * {@code /openapi/v2}: one Swagger 2.0 document of every kind, derived from the v3 documents (same
     * schemas under {@code definitions}). Older clients and tools read it; kubectl 1.32 prefers v3.
     */
    public byte[] swagger() {
        return built().swagger();
    }

    /** {@code /openapi/v2} in Kubernetes' protobuf form; see {@link SwaggerProtobuf}. */
    public byte[] swaggerProtobuf() {
        return built().swaggerProtobuf();
    }

    /**
     * The Content-Type of {@link #swaggerProtobuf()}: {@code application/octet-stream}, as Kubernetes answers,
     * since Go's media-type parser (and so kubectl) rejects the '@' of the requested type.
     */
    public static String swaggerProtobufMediaType() {
        return "application/octet-stream";
    }

    private Built built() {
        Built b = built;
        if (b == null) {
            synchronized (this) {
                b = built;
                if (b == null) {
                    b = build();
                    built = b;
                }
            }
        }
        return b;
    }

    private Built build() {
        ObjectNode index = Json.object();
        ObjectNode paths = index.putObject("paths");
        Map<String, byte[]> documents = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
            for (String v : g.getValue()) {
                String path = g.getKey().isEmpty() ? "api/" + v : "apis/" + g.getKey() + "/" + v;
                byte[] doc = Json.bytes(document(registry.inGroupVersion(g.getKey(), v)));
                documents.put(path, doc);
                paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash(doc));
            }
        }
        byte[] swagger = swagger(documents.values());
        return new Built(index, Map.copyOf(documents), swagger, SwaggerProtobuf.encode(Json.parseObject(swagger)));
    }

    /** Folds the v3 documents into one Swagger 2.0 document: schemas become definitions, operations keep their extensions. */
    private static byte[] swagger(java.util.Collection<byte[]> v3Documents) {
        ObjectNode doc = Json.object();
        doc.put("swagger", "2.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", Version.GIT_VERSION);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode definitions = doc.putObject("definitions");
        for (byte[] bytes : v3Documents) {
            ObjectNode v3 = Json.parseObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    .replace(REF, "#/definitions/").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            v3.path("components").path("schemas").fields().forEachRemaining(e -> definitions.set(e.getKey(), hoistRefs(e.getValue())));
            v3.path("paths").fields().forEachRemaining(e -> {
                ObjectNode item = paths.putObject(e.getKey());
                e.getValue().fields().forEachRemaining(op -> {
                    ObjectNode o = ((ObjectNode) op.getValue()).deepCopy();
                    o.remove("requestBody");
                    o.putArray("consumes").add("application/json-patch+json").add("application/merge-patch+json")
                            .add("application/strategic-merge-patch+json").add("application/apply-patch+yaml");
                    o.putArray("produces").add("application/json");
                    for (JsonNode param : o.path("parameters")) {
                        if (param instanceof ObjectNode p && p.has("schema")) p.set("type", p.remove("schema").path("type"));
                    }
                    o.remove("responses");
                    o.putObject("responses").putObject("200").put("description", "OK");
                    item.set(op.getKey(), o);
                });
            });
        }
        return Json.bytes(doc);
    }

    /**
     * Swagger 2.0 puts a reference straight on the property ({@code "$ref"}), where OpenAPI v3 wraps it in
     * {@code allOf} to keep a description beside it; v2 clients (kubectl's explain over v2) only follow the former.
     */
    private static JsonNode hoistRefs(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode allOf = o.get("allOf");
            if (allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref")) {
                o.remove("allOf");
                o.set("$ref", allOf.get(0).get("$ref"));
            }
            o.fields().forEachRemaining(e -> hoistRefs(e.getValue()));
        } else if (node != null && node.isArray()) {
            node.forEach(OpenApi::hoistRefs);
        }
        return node;
    }

    ObjectNode document(List<ResourceType> types) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", Version.GIT_VERSION);
        ObjectNode paths = doc.putObject("paths");
        List<TypeDef> roots = new ArrayList<>();
        Map<String, ObjectNode> placeholders = new TreeMap<>();
        for (ResourceType t : types) {
            TypeDef kind = catalog.kind(t.group(), t.version(), t.kind());
            String schemaName = kind != null ? kind.name() : schemaName(t);
            if (kind != null) {
                roots.add(kind);
                TypeDef list = catalog.kind(t.group(), t.version(), t.listKind());
                if (list != null) roots.add(list);
            } else {
                placeholders.put(schemaName, placeholder(t));
                if (t.strategy().openApiSchema() != null) roots.add(catalog.objectMeta());
            }
            String base = t.group().isEmpty() ? "/api/" + t.version() : "/apis/" + t.group() + "/" + t.version();
            String item = base + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.resource() + "/{name}";
            ObjectNode patch = paths.putObject(item).putObject("patch");
            patch.put("operationId", operationId(t));
            patch.set("x-kubernetes-group-version-kind", gvk(t.group(), t.version(), t.kind()));
            patch.put("x-kubernetes-action", "patch");
            ArrayNode params = patch.putArray("parameters");
            for (String p : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
                ObjectNode param = params.addObject();
                param.put("name", p);
                param.put("in", "query");
                param.putObject("schema").put("type", p.equals("force") ? "boolean" : "string");
            }
            // kubectl computes strategic merge patches from this document only when the operation accepts them
            ObjectNode body = patch.putObject("requestBody");
            ObjectNode content = body.putObject("content");
            for (String media : PATCH_TYPES) content.putObject(media).putObject("schema").put("$ref", REF + PATCH);
            body.put("required", true);
            patch.putObject("responses").putObject("200").put("description", "OK")
                    .putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", REF + schemaName);
        }
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        Map<String, ObjectNode> all = new TreeMap<>(placeholders);
        if (!types.isEmpty()) {
            ObjectNode patchSchema = Json.object();
            patchSchema.put("description", "Patch gives a concrete name and type to the body of a PATCH request.");
            patchSchema.put("type", "object");
            all.put(PATCH, patchSchema);
        }
        for (TypeDef t : SchemaCatalog.closure(roots).values()) all.put(t.name(), schema(t));
        all.forEach(schemas::set);
        return doc;
    }

    /** The OpenAPI v3 schema of a named type. */
    static ObjectNode schema(TypeDef t) {
        ObjectNode s = Json.object();
        s.put("description", t.description());
        switch (t.form()) {
            case OBJECT -> {
                ObjectNode props = s.putObject("properties");
                new TreeMap<>(t.properties()).forEach((name, p) -> props.set(name, property(p)));
                if (!t.required().isEmpty()) {
                    ArrayNode req = s.putArray("required");
                    t.required().forEach(req::add);
                }
                s.put("type", "object");
            }
            case OPAQUE -> s.put("type", "object");
            case DATE_TIME -> {
                s.put("format", "date-time");
                s.put("type", "string");
            }
            case INT_OR_STRING -> {
                s.put("format", "int-or-string");
                ArrayNode one = s.putArray("oneOf");
                one.addObject().put("type", "integer");
                one.addObject().put("type", "string");
            }
            case QUANTITY -> {
                ArrayNode one = s.putArray("oneOf");
                one.addObject().put("type", "string");
                one.addObject().put("type", "number");
            }
        }
        t.gvk().ifPresent(g -> s.putArray("x-kubernetes-group-version-kind").add(gvk(g.group(), g.version(), g.kind())));
        if (t.mapType() != null) s.put("x-kubernetes-map-type", t.mapType());
        return s;
    }

    private static ObjectNode property(Property p) {
        ObjectNode s = Json.object();
        Shape shape = p.shape();
        if (shape instanceof Shape.Ref r) {
            s.putArray("allOf").addObject().put("$ref", REF + r.type().name());
            s.put("description", p.description());
        } else if (shape instanceof Shape.Primitive prim) {
            s.put("description", p.description());
            if (prim.format() != null) s.put("format", prim.format());
            s.put("type", prim.type());
        } else if (shape instanceof Shape.ArrayOf a) {
            s.put("description", p.description());
            s.set("items", item(a.items()));
            s.put("type", "array");
        } else if (shape instanceof Shape.MapOf m) {
            s.set("additionalProperties", item(m.values()));
            s.put("description", p.description());
            s.put("type", "object");
        }
        if (!p.listMapKeys().isEmpty()) {
            ArrayNode keys = s.putArray("x-kubernetes-list-map-keys");
            p.listMapKeys().forEach(keys::add);
        }
        if (p.listType() != null) s.put("x-kubernetes-list-type", p.listType());
        if (p.mapType() != null) s.put("x-kubernetes-map-type", p.mapType());
        if (p.patchMergeKey() != null) s.put("x-kubernetes-patch-merge-key", p.patchMergeKey());
        if (p.patchStrategy() != null) s.put("x-kubernetes-patch-strategy", p.patchStrategy());
        return s;
    }

    /** The schema of list items and map values: struct items get Kubernetes' {@code allOf} and {@code default: {}}. */
    private static ObjectNode item(Shape shape) {
        ObjectNode s = Json.object();
        if (shape instanceof Shape.Ref r) {
            if (r.type().form() == TypeDef.Form.OBJECT) {
                s.putArray("allOf").addObject().put("$ref", REF + r.type().name());
                s.putObject("default");
            } else {
                s.put("$ref", REF + r.type().name());
            }
        } else if (shape instanceof Shape.Primitive prim) {
            if (prim.format() != null) s.put("format", prim.format());
            s.put("type", prim.type());
        } else if (shape instanceof Shape.ArrayOf a) {
            s.set("items", item(a.items()));
            s.put("type", "array");
        } else if (shape instanceof Shape.MapOf m) {
            s.set("additionalProperties", item(m.values()));
            s.put("type", "object");
        }
        return s;
    }

    /**
     * A schema for a kind the catalog does not define: a custom resource's own schema from its CRD, with
     * the object fields every kind has, or, failing that, one that accepts any field.
     */
    private static ObjectNode placeholder(ResourceType t) {
        JsonNode own = t.strategy().openApiSchema();
        ObjectNode s = own instanceof ObjectNode o ? o.deepCopy() : Json.object();
        if (!s.has("description")) s.put("description", t.kind() + " is a Kubernetes " + t.apiVersion() + " API object.");
        s.put("type", "object");
        s.putArray("x-kubernetes-group-version-kind").add(gvk(t.group(), t.version(), t.kind()));
        if (own == null) {
            s.put("x-kubernetes-preserve-unknown-fields", true);
        } else {
            ObjectNode props = s.withObject("properties");
            props.putObject("apiVersion").put("type", "string").put("description", "The versioned schema of this object.");
            props.putObject("kind").put("type", "string").put("description", "The REST resource this object represents.");
            props.putObject("metadata").putArray("allOf").addObject().put("$ref", REF + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        }
        return s;
    }

    /** As Kubernetes names it: {@code patchAppsV1NamespacedDeployment}, {@code patchRbacAuthorizationV1ClusterRole}. */
    static String operationId(ResourceType t) {
        StringBuilder b = new StringBuilder("patch");
        String group = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "");
        for (String part : group.split("\\.")) b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        b.append(Character.toUpperCase(t.version().charAt(0))).append(t.version().substring(1));
        if (t.namespaced()) b.append("Namespaced");
        return b.append(t.kind()).toString();
    }

    /** The Kubernetes schema name of a kind: {@code io.k8s.api.apps.v1.Deployment}. */
    static String schemaName(ResourceType t) {
        String group = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "").replace(".authorization", "");
        return "io.k8s.api." + group + "." + t.version() + "." + t.kind();
    }

    private static ObjectNode gvk(String group, String version, String kind) {
        ObjectNode k = Json.object();
        k.put("group", group);
        k.put("kind", kind);
        k.put("version", version);
        return k;
    }

    private static String hash(byte[] doc) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(doc)).substring(0, 32).toUpperCase();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
