package dev.pier.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.apply.FieldManager;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.watch.CacheWatcher;
import dev.pier.apiserver.watch.WatchCache;
import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The generic store of one resource in one cell, after Kubernetes' generic registry: every kind is this
 * class configured with its {@link ResourceType} (and so its strategy). It owns the order of a write
 * (prepare → validate → metadata validation → store) and translates storage codes into API errors.
 * Instances are cheap: a cell makes them on demand.
 */
public final class ResourceStore {
    private static final int MAX_CONFLICT_RETRIES = 16;

    private final KeyValueStore kv;
    private final String cell;
    private final ResourceType type;
    private final Supplier<WatchCache> cache;
    private final NamespaceGuard namespaces;
    private final Admission admission;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Function<KeyValue, ObjectNode> decoder;

    public ResourceStore(KeyValueStore kv, String cell, ResourceType type, Supplier<WatchCache> cache,
                         NamespaceGuard namespaces, Admission admission, Clock clock) {
        this.kv = kv;
        this.cell = cell;
        this.type = type;
        this.cache = cache;
        this.namespaces = namespaces;
        this.admission = admission;
        this.clock = clock;
        this.decoder = StoredObjects.decoder(type);
    }

    public ResourceType type() {
        return type;
    }

    // ---------------------------------------------------------------- create

    public ObjectNode create(String namespace, ObjectNode object, WriteOptions options) {
        checkTypeMeta(object);
        ObjectNode meta = object.withObject("metadata");
        bindNamespace(meta, namespace);
        boolean generated = meta.path("name").asText("").isEmpty() && !meta.path("generateName").asText("").isEmpty();
        if (generated) meta.put("name", meta.path("generateName").asText() + randomSuffix());
        String name = meta.path("name").asText("");

        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", now());
        meta.remove(List.of("resourceVersion", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"));
        if (type.strategy().tracksGeneration()) meta.put("generation", 1);
        else meta.remove("generation");
        if (type.strategy().resetsStatusOnCreate()) object.remove("status");
        type.strategy().prepareForCreate(object);
        admission.admitCreate(object);
        if (type.strategy() instanceof RecordsRequestor r) r.recordRequestor(object, options.user());
        ObjectMetaRules.dropEmpty(meta);
        FieldManager.recordCreate(type, object, options, clock);

        List<FieldError> errors = new ArrayList<>(type.strategy().validate(object));
        errors.addAll(ObjectMetaRules.validate(object, type.strategy().nameRule()));
        if (!errors.isEmpty()) throw ApiException.invalid(type.group(), type.kind(), name, errors);
        if (type.namespaced()) namespaces.checkWritable(meta.path("namespace").asText());

        Runnable unallocate = type.strategy().allocator().allocate(kv, cell, object, null, options.dryRun());
        if (options.dryRun()) {
            // a dry run answers what the real create would, including AlreadyExists
            if (read(meta.path("namespace").asText(""), name).isPresent()) throw ApiException.alreadyExists(type.group(), type.resource(), name);
            return object;
        }
        try {
            KeyValue created = kv.create(key(meta.path("namespace").asText(""), name), StoredObjects.encode(object));
            meta.put("resourceVersion", Long.toString(created.modRevision()));
            return object;
        } catch (StorageException e) {
            unallocate.run();
            throw translate(e, name);
        }
    }

    // ---------------------------------------------------------------- read

    public ObjectNode get(String namespace, String name) {
        return read(namespace, name).map(decoder)
                .orElseThrow(() -> ApiException.notFound(type.group(), type.resource(), name));
    }

    private Optional<KeyValue> read(String namespace, String name) {
        try {
            return kv.get(key(namespace, name));
        } catch (StorageException e) {
            throw translate(e, name);
        }
    }

    /**
     * Lists objects as a {@code <Kind>List}. An unset resourceVersion reads storage (a consistent read,
     * paginated with limit/continue); "0" or a NotOlderThan version is served by the watch cache; an Exact
     * version reads storage at that revision.
     */
    public ObjectNode list(String namespace, ListOptions options) {
        String rv = options.resourceVersion();
        boolean fromCache = options.continueToken().isEmpty()
                && (rv.equals("0") || (!rv.isEmpty() && !options.resourceVersionMatch().equals("Exact")));
        if (fromCache) {
            long min = parseResourceVersion(rv);
            WatchCache.Snapshot snap = cache.get().list(min, Keys.listPrefix(cell, type, namespace), o -> matches(o, options));
            return listObject(new ArrayList<>(snap.items()), snap.revision(), "");
        }
        long atRevision = 0;
        String startKey = null;
        String prefix = Keys.listPrefix(cell, type, namespace);
        if (!options.continueToken().isEmpty()) {
            ContinueToken token = ContinueToken.decode(options.continueToken());
            if (!token.startKey().startsWith(prefix)) throw ApiException.badRequest("continue key is not valid for this list");
            atRevision = token.revision();
            startKey = token.startKey();
        } else if (!rv.isEmpty()) {
            atRevision = parseResourceVersion(rv);
        }
        String byName = options.fields().required("metadata.name");
        if (byName != null && startKey == null && type.namespaced() == (namespace != null && !namespace.isEmpty())) {
            // A name selector in a namespace names one key: read it instead of the whole prefix.
            prefix = key(namespace, byName);
        }
        long limit = options.limit();
        List<ObjectNode> items = new ArrayList<>();
        long revision;
        String next = "";
        try {
            while (true) {
                int page = limit > 0 ? (int) Math.min(Math.max(limit - items.size(), 1) + 1, 10_000) : 0;
                RangeRequest req = new RangeRequest(prefix, startKey, page, atRevision);
                RangeResult r = kv.range(req);
                revision = r.revision();
                atRevision = r.revision(); // every further page at the same revision
                List<KeyValue> kvs = r.kvs();
                boolean more = r.more();
                for (int i = 0; i < kvs.size(); i++) {
                    KeyValue k = kvs.get(i);
                    if (byName != null && prefix.endsWith("/" + byName) && !k.key().equals(prefix)) continue;
                    ObjectNode o = decoder.apply(k);
                    if (matches(o, options)) items.add(o);
                    if (limit > 0 && items.size() >= limit && (i + 1 < kvs.size() || more)) {
                        next = ContinueToken.encode(revision, kvs.get(i).key() + "\0");
                        return listObject(items, revision, next);
                    }
                }
                if (!more || kvs.isEmpty()) break;
                startKey = kvs.get(kvs.size() - 1).key() + "\0";
            }
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.COMPACTED && !options.continueToken().isEmpty()) {
                throw ApiException.gone("The provided continue parameter is too old to display a consistent list result. "
                        + "You can start a new list without the continue parameter.");
            }
            throw translate(e, "");
        }
        return listObject(items, revision, next);
    }

    private ObjectNode listObject(List<ObjectNode> items, long revision, String continueToken) {
        ObjectNode list = Json.object();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        ObjectNode meta = list.putObject("metadata");
        meta.put("resourceVersion", Long.toString(revision));
        if (!continueToken.isEmpty()) meta.put("continue", continueToken);
        ArrayNode arr = list.putArray("items");
        for (ObjectNode o : items) arr.add(o);
        return list;
    }

    public boolean matches(ObjectNode object, ListOptions options) {
        return options.labels().matches(object.path("metadata").path("labels")) && options.fields().matches(object);
    }

    /** Starts a watch served by the cache; see {@link WatchCache#watch}. */
    public CacheWatcher watch(String namespace, ListOptions options) {
        long from = parseResourceVersion(options.resourceVersion());
        String ns = type.namespaced() && namespace != null ? namespace : "";
        return cache.get().watch(from, o -> (ns.isEmpty() || ns.equals(o.path("metadata").path("namespace").asText()))
                && matches(o, options), 1024);
    }

    // ---------------------------------------------------------------- update

    /**
     * Replaces an object (PUT). With {@code statusOnly}, only the status of the given object is taken.
     * A resourceVersion in the body must match the stored one (409 otherwise); without one the update
     * is unconditional.
     */
    public ObjectNode update(String namespace, String name, ObjectNode object, boolean statusOnly, WriteOptions options) {
        checkTypeMeta(object);
        ObjectNode meta = object.withObject("metadata");
        if (!meta.path("name").asText("").isEmpty() && !meta.path("name").asText().equals(name)) {
            throw ApiException.badRequest("the name of the object (" + meta.path("name").asText()
                    + ") does not match the name on the URL (" + name + ")");
        }
        meta.put("name", name);
        bindNamespace(meta, namespace);
        String expected = meta.path("resourceVersion").asText("");
        if (statusOnly && !type.hasStatus()) throw ApiException.pathNotFound("status");
        return guaranteedUpdate(namespace, name, expected, statusOnly, options, current -> object.deepCopy());
    }

    /** {@link #guaranteedUpdate(String, String, String, UpdateScope, WriteOptions, UnaryOperator)} of the object or its status. */
    public ObjectNode guaranteedUpdate(String namespace, String name, String expectedResourceVersion, boolean statusUpdate,
                                      WriteOptions options, UnaryOperator<ObjectNode> change) {
        return guaranteedUpdate(namespace, name, expectedResourceVersion,
                statusUpdate ? UpdateScope.STATUS : UpdateScope.OBJECT, options, change);
    }

    /**
     * The one read-modify-write primitive: reads the object, applies {@code change} to a copy, carries
     * over what clients may not change, validates and writes with the read revision as precondition,
     * retrying on conflicts unless the caller named a resourceVersion.
     *
     * @param expectedResourceVersion "" for unconditional, else the version the client based its change on
     * @param scope                   what the write may change: the object, its status, or what a subresource
     *                                such as {@code binding} sets past the kind's update rules
     */
    public ObjectNode guaranteedUpdate(String namespace, String name, String expectedResourceVersion, UpdateScope scope,
                                      WriteOptions options, UnaryOperator<ObjectNode> change) {
        boolean statusUpdate = scope == UpdateScope.STATUS;
        for (int attempt = 0; ; attempt++) {
            KeyValue currentKv = read(namespace, name)
                    .orElseThrow(() -> ApiException.notFound(type.group(), type.resource(), name));
            ObjectNode current = decoder.apply(currentKv);
            if (!expectedResourceVersion.isEmpty()
                    && !expectedResourceVersion.equals(current.path("metadata").path("resourceVersion").asText())) {
                throw ApiException.modified(type.group(), type.resource(), name);
            }
            ObjectNode changed = change.apply(current.deepCopy());
            ObjectNode next = statusUpdate ? withStatusOf(current, changed) : changed;
            carryOver(next, current, scope != UpdateScope.OBJECT);
            ObjectMetaRules.dropEmpty(next.withObject("metadata"));
            // nothing changed (numbers compared by value): no write, same resourceVersion
            if (Json.sameValues(next, current)) return current;
            FieldManager.recordUpdate(type, current, next, statusUpdate, options, clock);
            if (Json.sameValues(next, current)) return current;
            List<FieldError> errors = new ArrayList<>(scope == UpdateScope.SUBRESOURCE ? List.of()
                    : type.strategy().validateUpdate(next, current));
            errors.addAll(ObjectMetaRules.validate(next, NameRule.PATH_SEGMENT));
            if (!errors.isEmpty()) throw ApiException.invalid(type.group(), type.kind(), name, errors);
            if (scope == UpdateScope.OBJECT) admission.admitUpdate(next, current);
            Allocator allocator = type.strategy().allocator();
            Runnable unallocate = allocator.allocate(kv, cell, next, current, options.dryRun());
            if (options.dryRun()) return next;
            try {
                if (isFinalized(next)) {
                    kv.delete(currentKv.key(), currentKv.modRevision());
                    unallocate.run();
                    allocator.release(kv, cell, current, null);
                    return next;
                }
                KeyValue written = kv.update(currentKv.key(), currentKv.modRevision(), StoredObjects.encode(next));
                allocator.release(kv, cell, current, next);
                next.withObject("metadata").put("resourceVersion", Long.toString(written.modRevision()));
                return next;
            } catch (StorageException e) {
                unallocate.run();
                boolean retry = e.code() == StorageException.Code.CONFLICT && expectedResourceVersion.isEmpty()
                        && attempt < MAX_CONFLICT_RETRIES;
                if (!retry) throw translate(e, name);
            }
        }
    }

    /** What an update keeps from the stored object whatever the client sent. */
    private void carryOver(ObjectNode next, ObjectNode current, boolean statusUpdate) {
        ObjectNode meta = next.withObject("metadata");
        JsonNode old = current.path("metadata");
        for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name")) {
            if (old.has(f)) meta.set(f, old.get(f));
            else meta.remove(f);
        }
        meta.remove("generateName");
        if (old.has("generateName")) meta.set("generateName", old.get("generateName"));
        meta.set("resourceVersion", old.get("resourceVersion"));
        next.put("apiVersion", type.apiVersion());
        next.put("kind", type.kind());
        if (type.hasStatus() && !statusUpdate) {
            // The main resource never changes status; the status subresource sets it (see withStatusOf).
            if (current.has("status")) next.set("status", current.get("status"));
            else next.remove("status");
        }
        type.strategy().prepareForUpdate(next, current);
        if (type.strategy().tracksGeneration()) {
            // Written as the same JSON number type as the stored one, so an unchanged object compares equal.
            long generation = old.path("generation").asLong(1);
            if (!Json.sameValues(specOf(next), specOf(current))) meta.put("generation", generation + 1);
            else if (old.has("generation")) meta.set("generation", old.get("generation"));
            else meta.put("generation", 1);
        }
    }

    private static ObjectNode withStatusOf(ObjectNode current, ObjectNode submitted) {
        ObjectNode next = current.deepCopy();
        if (submitted.has("status")) next.set("status", submitted.get("status"));
        else next.remove("status");
        return next;
    }

    private static ObjectNode specOf(ObjectNode o) {
        ObjectNode copy = o.deepCopy();
        copy.remove(List.of("metadata", "status", "apiVersion", "kind"));
        return copy;
    }

    private boolean isFinalized(ObjectNode o) {
        JsonNode meta = o.path("metadata");
        return meta.hasNonNull("deletionTimestamp") && meta.path("finalizers").isEmpty()
                && !(type.strategy() instanceof GracefulDeletion g && g.keepsUntilFinalized(o));
    }

    // ---------------------------------------------------------------- delete

    /**
     * Deletes an object. One with finalizers is only marked (deletionTimestamp) and stays until they
     * are removed. Returns the object as deleted or as marked.
     */
    public ObjectNode delete(String namespace, String name, DeleteOptions options) {
        for (int attempt = 0; ; attempt++) {
            KeyValue currentKv = read(namespace, name)
                    .orElseThrow(() -> ApiException.notFound(type.group(), type.resource(), name));
            ObjectNode current = decoder.apply(currentKv);
            JsonNode meta = current.path("metadata");
            if (!options.preconditionUid().isEmpty() && !options.preconditionUid().equals(meta.path("uid").asText())) {
                throw ApiException.conflict(type.group(), type.resource(), name,
                        "Precondition failed: UID in precondition: " + options.preconditionUid()
                                + ", UID in object meta: " + meta.path("uid").asText());
            }
            if (!options.preconditionResourceVersion().isEmpty()
                    && !options.preconditionResourceVersion().equals(meta.path("resourceVersion").asText())) {
                throw ApiException.conflict(type.group(), type.resource(), name,
                        "Precondition failed: ResourceVersion in precondition: " + options.preconditionResourceVersion()
                                + ", ResourceVersion in object meta: " + meta.path("resourceVersion").asText());
            }
            try {
                GracefulDeletion graceful = type.strategy() instanceof GracefulDeletion g ? g : null;
                String propagationFinalizer = propagationFinalizer(options.propagationPolicy());
                boolean hasFinalizers = !meta.path("finalizers").isEmpty() || propagationFinalizer != null;
                if (meta.hasNonNull("deletionTimestamp")) {
                    // Already being deleted: a shorter grace period (the kubelet's final zero, or --force) is
                    // remembered, and removes the object at once when nothing else holds it; finalizers still do.
                    long requested = options.gracePeriodSeconds();
                    if (requested < 0 || requested >= meta.path("deletionGracePeriodSeconds").asLong(0)) return current;
                    ObjectNode shorter = current.deepCopy();
                    shorter.withObject("metadata").put("deletionGracePeriodSeconds", requested);
                    if (!meta.path("finalizers").isEmpty() || graceful != null && graceful.keepsUntilFinalized(shorter)) {
                        if (options.dryRun()) return shorter;
                        KeyValue written = kv.update(currentKv.key(), currentKv.modRevision(), StoredObjects.encode(shorter));
                        shorter.withObject("metadata").put("resourceVersion", Long.toString(written.modRevision()));
                        return shorter;
                    }
                } else if (hasFinalizers || graceful != null) {
                    ObjectNode marked = current.deepCopy();
                    ObjectNode m = marked.withObject("metadata");
                    m.put("deletionTimestamp", now());
                    long grace = options.gracePeriodSeconds() >= 0 ? options.gracePeriodSeconds()
                            : graceful != null ? graceful.defaultGracePeriodSeconds(current) : 0;
                    m.put("deletionGracePeriodSeconds", grace);
                    if (propagationFinalizer != null) addFinalizer(m, propagationFinalizer);
                    if (graceful != null) graceful.prepareForDeletion(marked);
                    if (hasFinalizers || graceful.keepsUntilFinalized(marked)) {
                        if (options.dryRun()) return marked;
                        KeyValue written = kv.update(currentKv.key(), currentKv.modRevision(), StoredObjects.encode(marked));
                        m.put("resourceVersion", Long.toString(written.modRevision()));
                        return marked;
                    }
                }
                if (options.dryRun()) return current;
                kv.delete(currentKv.key(), currentKv.modRevision());
                type.strategy().allocator().release(kv, cell, current, null);
                return current;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT || attempt >= MAX_CONFLICT_RETRIES) throw translate(e, name);
            }
        }
    }

    /**
     * The finalizer through which the garbage collector carries out a propagation policy: Kubernetes marks
     * the owner with {@code orphan} or {@code foregroundDeletion}; Background needs none.
     */
    private static String propagationFinalizer(String policy) {
        return switch (policy) {
            case "Orphan" -> "orphan";
            case "Foreground" -> "foregroundDeletion";
            default -> null;
        };
    }

    private static void addFinalizer(ObjectNode meta, String finalizer) {
        ArrayNode finalizers = meta.withArray("finalizers");
        for (JsonNode f : finalizers) if (f.asText().equals(finalizer)) return;
        finalizers.add(finalizer);
    }

    /** Deletes every object matching the list options; answers the list of what was deleted. */
    public ObjectNode deleteCollection(String namespace, ListOptions listOptions, DeleteOptions options) {
        ObjectNode list = list(namespace, new ListOptions(listOptions.labels(), listOptions.fields(), "", "", 0, "", 0, false));
        ArrayNode deleted = Json.object().arrayNode();
        for (JsonNode item : list.path("items")) {
            String ns = item.path("metadata").path("namespace").asText("");
            String name = item.path("metadata").path("name").asText();
            try {
                deleted.add(delete(ns, name, options));
            } catch (ApiException e) {
                if (e.code() != 404) throw e; // deleted meanwhile: fine
            }
        }
        list.set("items", deleted);
        return list;
    }

    // ---------------------------------------------------------------- helpers

    private String key(String namespace, String name) {
        return Keys.objectKey(cell, type, namespace, name);
    }

    private void checkTypeMeta(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion()) || !kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion + ") does not match the expected "
                    + "API version (" + type.apiVersion() + ")" + (kind.isEmpty() || kind.equals(type.kind())
                    ? "" : ", or the kind (" + kind + ") is not " + type.kind()));
        }
        object.put("apiVersion", type.apiVersion());
        object.put("kind", type.kind());
        if (!object.path("metadata").isObject()) {
            if (object.has("metadata") && !object.get("metadata").isNull()) {
                throw ApiException.badRequest("metadata must be an object");
            }
            object.putObject("metadata");
        }
    }

    private void bindNamespace(ObjectNode meta, String namespace) {
        if (!type.namespaced()) {
            meta.remove("namespace");
            return;
        }
        String inBody = meta.path("namespace").asText("");
        if (!inBody.isEmpty() && !inBody.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta.put("namespace", namespace);
    }

    private String randomSuffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789"; // Kubernetes' alphabet: no vowels, no look-alikes
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.toString();
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static long parseResourceVersion(String rv) {
        if (rv == null || rv.isEmpty()) return 0;
        try {
            long v = Long.parseLong(rv);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version \"" + rv + "\"");
        }
    }

    private ApiException translate(StorageException e, String name) {
        return switch (e.code()) {
            case KEY_EXISTS -> ApiException.alreadyExists(type.group(), type.resource(), name);
            case KEY_NOT_FOUND -> ApiException.notFound(type.group(), type.resource(), name);
            case CONFLICT -> ApiException.modified(type.group(), type.resource(), name);
            case COMPACTED -> ApiException.gone("The resourceVersion for the provided list is too old.");
            case FUTURE_REVISION -> ApiException.timeout("Too large resource version");
            case UNAVAILABLE -> ApiException.unavailable("storage is unavailable: " + e.getMessage(), e);
        };
    }
}
