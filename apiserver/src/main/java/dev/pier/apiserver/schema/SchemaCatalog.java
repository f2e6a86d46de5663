package dev.pier.apiserver.schema;

import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The type definitions of the built-in kinds: one source of truth for {@code fieldValidation}
 * ({@link UnknownFields}) and the OpenAPI documents. One catalog per process, shared by every cell.
 * A kind's types are derived by reflection over fabric8's model classes the first time the kind is asked
 * for (tens of milliseconds for a large kind, less once the types it shares with others are known), then
 * kept; published types never change, so readers need no lock.
 */
public final class SchemaCatalog {
    private static final SchemaCatalog SHARED = new SchemaCatalog();

    private final FabricModels models = new FabricModels();
    private final Map<Gvk, Optional<TypeDef>> kinds = new ConcurrentHashMap<>();
    private volatile TypeDef objectMeta;

    private SchemaCatalog() {
    }

    /** The process-wide catalog. */
    public static SchemaCatalog shared() {
        return SHARED;
    }

    /**
     * The top-level type of a kind (or list kind, e.g. {@code DeploymentList}), or null when Pier has no
     * definition for it.
     */
    public TypeDef kind(String group, String version, String kind) {
        return kind(new Gvk(group, version, kind));
    }

    public TypeDef kind(Gvk gvk) {
        Optional<TypeDef> t = kinds.get(gvk);
        if (t == null) {
            synchronized (models) {
                t = kinds.get(gvk);
                if (t == null) {
                    t = Optional.ofNullable(models.kind(gvk));
                    kinds.put(gvk, t);
                }
            }
        }
        return t.orElse(null);
    }

    /** {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}. */
    public TypeDef objectMeta() {
        TypeDef m = objectMeta;
        if (m == null) {
            synchronized (models) {
                m = objectMeta;
                if (m == null) {
                    m = models.define(ObjectMeta.class);
                    objectMeta = m;
                }
            }
        }
        return m;
    }

    /**
     * Every type reachable from the roots (the roots included), by schema name, sorted: what an OpenAPI
     * document must define for its $refs to resolve.
     */
    public static Map<String, TypeDef> closure(Collection<TypeDef> roots) {
        Map<String, TypeDef> out = new TreeMap<>();
        Deque<TypeDef> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            TypeDef t = todo.pop();
            TypeDef seen = out.putIfAbsent(t.name(), t);
            if (seen != null) {
                if (seen != t) throw new IllegalStateException("two types named " + t.name());
                continue;
            }
            for (Property p : t.properties().values()) {
                addRefs(p.shape(), todo);
            }
        }
        return out;
    }

    private static void addRefs(Shape s, Deque<TypeDef> todo) {
        if (s instanceof Shape.Ref r) {
            todo.push(r.type());
        } else if (s instanceof Shape.ArrayOf a) {
            addRefs(a.items(), todo);
        } else if (s instanceof Shape.MapOf m) {
            addRefs(m.values(), todo);
        }
    }
}
