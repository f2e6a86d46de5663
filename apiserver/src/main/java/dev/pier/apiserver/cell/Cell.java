package dev.pier.apiserver.cell;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.Authenticator;
import dev.pier.apiserver.crd.CrdController;
import dev.pier.apiserver.discovery.Discovery;
import dev.pier.apiserver.discovery.OpenApi;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.admission.ClaimAdmission;
import dev.pier.apiserver.admission.InUseProtectionAdmission;
import dev.pier.apiserver.registry.Admission;
import dev.pier.apiserver.registry.Keys;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.NamespaceGuard;
import dev.pier.apiserver.registry.ResourceRegistry;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.StoredObjects;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.watch.WatchCache;
import dev.pier.pki.CertificateAuthority;
import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One logical Kubernetes cluster inside the server: its key prefix, its CA and credentials, and its
 * data. What is the same for every cell (the registry, discovery, OpenAPI) is shared, not copied; the
 * per-resource stores and watch caches are made on first use, so an idle cell costs little.
 */
public final class Cell implements AutoCloseable {
    public static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final String name;
    private final KeyValueStore kv;
    private final ServedApi builtin;
    private volatile ServedApi api;
    private final CertificateAuthority ca;
    private final Authenticator authenticator;
    private final Clock clock;
    private final Map<ResourceType, ResourceStore> stores = new ConcurrentHashMap<>();
    private final Map<ResourceType, WatchCache> caches = new ConcurrentHashMap<>();
    private final ResourceType namespaces;
    private NamespaceFinalizer finalizer;
    private CrdController crds;

    Cell(String name, KeyValueStore kv, ServedApi builtin, CertificateAuthority ca, Authenticator authenticator, Clock clock) {
        this.name = name;
        this.kv = kv;
        this.builtin = builtin;
        this.api = builtin;
        this.ca = ca;
        this.authenticator = authenticator;
        this.clock = clock;
        this.namespaces = builtin.registry().find("", "v1", "namespaces").orElseThrow();
    }

    /** Creates the system namespaces if missing and starts finishing namespaces marked for deletion. */
    void start() {
        for (String n : SYSTEM_NAMESPACES) {
            ObjectNode o = Json.object();
            o.withObject("metadata").put("name", n);
            createIfMissing(namespaces, "", o);
        }
        createIfMissing(builtin.registry().find("", "v1", "services").orElseThrow(), "default", apiServerService());
        finalizer = NamespaceFinalizer.start(this);
        crds = CrdController.start(this);
    }

    private void createIfMissing(ResourceType type, String namespace, ObjectNode object) {
        String objectName = object.path("metadata").path("name").asText();
        if (kv.get(Keys.objectKey(name, type, namespace, objectName)).isPresent()) return;
        try {
            store(type).create(namespace, object, WriteOptions.defaults());
        } catch (ApiException e) {
            if (e.code() != 409) throw e; // another replica made it first
        }
    }

    /** The {@code kubernetes} Service every cluster has in {@code default}: the API's first cluster IP. */
    private static ObjectNode apiServerService() {
        ObjectNode svc = Json.object();
        ObjectNode meta = svc.putObject("metadata");
        meta.put("name", "kubernetes");
        meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", "10.96.0.1");
        spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP").put("targetPort", 6443);
        return svc;
    }

    public String name() {
        return name;
    }

    public ResourceRegistry registry() {
        return api.registry();
    }

    public Discovery discovery() {
        return api.discovery();
    }

    public OpenApi openApi() {
        return api.openApi();
    }

    /** The API the cell serves without custom resources: the built-in kinds, and in the management cell the pier.dev kinds. */
    public ServedApi builtinApi() {
        return builtin;
    }

    /** Serves a new set of resources (the built-in ones plus the cell's custom resources). */
    public void serve(ServedApi next) {
        this.api = next;
        // Custom resource versions that are no longer served (or were redefined) release their caches.
        for (ResourceType t : List.copyOf(caches.keySet())) {
            if (!next.registry().all().contains(t)) {
                stores.remove(t);
                WatchCache c = caches.remove(t);
                if (c != null) c.close();
            }
        }
    }

    public CertificateAuthority certificateAuthority() {
        return ca;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public Clock clock() {
        return clock;
    }

    /** The generic store of a resource in this cell. */
    public ResourceStore store(ResourceType type) {
        return stores.computeIfAbsent(type, t -> new ResourceStore(kv, name, t, () -> cache(t),
                t.namespaced() ? namespaceGuard() : NamespaceGuard.NONE, admission(t), clock));
    }

    private Admission admission(ResourceType type) {
        if (!type.group().isEmpty()) return Admission.NONE;
        if (type.resource().equals("persistentvolumes")) return InUseProtectionAdmission.VOLUMES;
        if (!type.resource().equals("persistentvolumeclaims")) return Admission.NONE;
        ResourceType classes = builtin.registry().find("storage.k8s.io", "v1", "storageclasses").orElseThrow();
        ResourceType volumes = builtin.registry().find("", "v1", "persistentvolumes").orElseThrow();
        return Admission.chain(InUseProtectionAdmission.CLAIMS, new ClaimAdmission(() -> items(store(classes).list("", ListOptions.all())),
                pv -> kv.get(Keys.objectKey(name, volumes, "", pv)).map(StoredObjects::decode)));
    }

    private static List<ObjectNode> items(ObjectNode list) {
        List<ObjectNode> out = new java.util.ArrayList<>();
        list.path("items").forEach(i -> out.add((ObjectNode) i));
        return out;
    }

    /** The watch cache of a resource in this cell, started on first use. */
    public WatchCache cache(ResourceType type) {
        return caches.computeIfAbsent(type, t -> WatchCache.start(kv, Keys.resourcePrefix(name, t), StoredObjects.decoder(t)));
    }

    private NamespaceGuard namespaceGuard() {
        return namespace -> {
            // A consistent read: a namespace marked for deletion a moment ago must refuse new objects at once.
            String key = Keys.objectKey(name, namespaces, "", namespace);
            Optional<KeyValue> stored = kv.get(key);
            if (stored.isEmpty()) throw ApiException.notFound("", "namespaces", namespace);
            ObjectNode ns = StoredObjects.decode(stored.get());
            if (ns.path("metadata").hasNonNull("deletionTimestamp")) {
                throw ApiException.forbidden("unable to create new content in namespace " + namespace
                        + " because it is being terminated");
            }
        };
    }

    @Override
    public void close() {
        if (finalizer != null) finalizer.close();
        if (crds != null) crds.close();
        caches.values().forEach(WatchCache::close);
    }
}
