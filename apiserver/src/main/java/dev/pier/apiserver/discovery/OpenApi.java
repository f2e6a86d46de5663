package dev.pier.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 documents: an index of every served group-version and one document per group-version.
 * Each kind has its item path with a {@code patch} operation that carries
 * {@code x-kubernetes-group-version-kind} and the {@code fieldValidation} parameter: that is what makes
 * kubectl leave validation to the server ({@code ?fieldValidation=Strict}).
 * Built once per registry.
 */
public final class OpenApi {
    private final Map<String, byte[]> documents = new LinkedHashMap<>();
    private final ObjectNode index = Json.object();

    public OpenApi(ResourceRegistry registry) {
        ObjectNode paths = index.putObject("paths");
        for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
            for (String v : g.getValue()) {
                String path = g.getKey().isEmpty() ? "api/" + v : "apis/" + g.getKey() + "/" + v;
                byte[] doc = Json.bytes(document(registry.inGroupVersion(g.getKey(), v)));
                documents.put(path, doc);
                paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash(doc));
            }
        }
    }

    /** {@code /openapi/v3} */
    public ObjectNode index() {
        return index;
    }

    /** The document of {@code api/v1} or {@code apis/<group>/<version>}, or null. */
    public byte[] document(String groupVersionPath) {
        return documents.get(groupVersionPath);
    }

    private static ObjectNode document(List<ResourceType> types) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", Version.GIT_VERSION);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        for (ResourceType t : types) {
            String base = t.group().isEmpty() ? "/api/" + t.version() : "/apis/" + t.group() + "/" + t.version();
            String item = base + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.resource() + "/{name}";
            ObjectNode patch = paths.putObject(item).putObject("patch");
            patch.put("operationId", "patch" + t.kind());
            patch.set("x-kubernetes-group-version-kind", gvk(t));
            ArrayNode params = patch.putArray("parameters");
            for (String p : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
                ObjectNode param = params.addObject();
                param.put("name", p);
                param.put("in", "query");
                param.putObject("schema").put("type", p.equals("force") ? "boolean" : "string");
            }
            ObjectNode schema = schemas.putObject(schemaName(t));
            schema.put("type", "object");
            schema.put("description", t.kind() + " (" + t.apiVersion() + ")");
            schema.putArray("x-kubernetes-group-version-kind").add(gvk(t));
        }
        return doc;
    }

    static String schemaName(ResourceType t) {
        String group = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "").replace(".authorization", "");
        return "io.k8s.api." + group + "." + t.version() + "." + t.kind();
    }

    private static ObjectNode gvk(ResourceType t) {
        ObjectNode k = Json.object();
        k.put("group", t.group());
        k.put("kind", t.kind());
        k.put("version", t.version());
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
