package dev.pier.apiserver.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.patch.PatchSchemas;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.patch.Patcher;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.PodBinding;
import dev.pier.apiserver.registry.PodEviction;
import dev.pier.apiserver.resources.certificates.CsrApproval;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Create, get, update, patch and delete of one resource in one cell, through the cell's generic store.
 * Objects passed in are not kept; objects returned are the caller's to change. Errors are the
 * {@link ApiException}s an HTTP client would receive as a Status.
 */
public final class ResourceClient {
    private final Cell cell;
    private final ResourceType type;
    private final ResourceStore store;
    private final WriteOptions options;

    ResourceClient(Cell cell, ResourceType type, String fieldManager) {
        this.cell = cell;
        this.type = type;
        this.store = cell.store(type);
        this.options = new WriteOptions(false, fieldManager, "Ignore");
    }

    public ResourceType type() {
        return type;
    }

    public ObjectNode create(String namespace, ObjectNode object) {
        return WriteTracker.wrote(store.create(namespace, object.deepCopy(), options));
    }

    public ObjectNode get(String namespace, String name) {
        return store.get(namespace, name);
    }

    /** Every object of a namespace ("" for all, or for cluster-scoped kinds), read consistently from storage. */
    public List<ObjectNode> list(String namespace) {
        List<ObjectNode> out = new ArrayList<>();
        store.list(namespace, ListOptions.all()).path("items").forEach(i -> out.add((ObjectNode) i));
        return out;
    }

    /** The object, or empty when it does not exist. */
    public Optional<ObjectNode> find(String namespace, String name) {
        try {
            return Optional.of(store.get(namespace, name));
        } catch (ApiException e) {
            if (e.code() == 404) return Optional.empty();
            throw e;
        }
    }

    /** PUT of the object; its resourceVersion, if set, must still be current (409 otherwise). */
    public ObjectNode update(ObjectNode object) {
        JsonNode meta = object.path("metadata");
        return WriteTracker.wrote(store.update(meta.path("namespace").asText(""), meta.path("name").asText(), object.deepCopy(), false, options));
    }

    /** PUT of the status subresource. */
    public ObjectNode updateStatus(ObjectNode object) {
        JsonNode meta = object.path("metadata");
        return WriteTracker.wrote(store.update(meta.path("namespace").asText(""), meta.path("name").asText(), object.deepCopy(), true, options));
    }

    /** PATCH of the object (or of its status), applied in one guarded read-modify-write as for HTTP. */
    public ObjectNode patch(String namespace, String name, PatchType patchType, JsonNode patch, boolean status) {
        return patch(namespace, name, "", patchType, patch, status);
    }

    /**
     * PATCH that applies only to the object with this uid (a recreated object of the same name answers 409),
     * as Kubernetes' controllers guard their adoptions and releases.
     */
    public ObjectNode patch(String namespace, String name, String uid, PatchType patchType, JsonNode patch, boolean status) {
        return WriteTracker.wrote(store.guaranteedUpdate(namespace, name, "", status, options, current -> {
            String currentUid = current.path("metadata").path("uid").asText();
            if (!uid.isEmpty() && !uid.equals(currentUid)) {
                throw ApiException.conflict(type.group(), type.resource(), name,
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + currentUid);
            }
            return Patcher.apply(patchType, current, patch, PatchSchemas.of(type));
        }));
    }

    public ObjectNode delete(String namespace, String name, DeleteOptions deleteOptions) {
        ObjectNode deleted = store.delete(namespace, name, deleteOptions);
        WriteTracker.wroteSomething();
        return deleted;
    }

    /** {@code certificatesigningrequests/approval}: adds the Approved or Denied condition of the given object. */
    public ObjectNode updateApproval(ObjectNode csr) {
        if (!type.resource().equals("certificatesigningrequests")) throw new IllegalStateException("only CSRs have approvals");
        return WriteTracker.wrote(CsrApproval.update(store, csr.path("metadata").path("name").asText(), csr.deepCopy(), options, cell.clock()));
    }

    /** {@code pods/binding}: assigns a pod to a node. */
    public ObjectNode bind(String namespace, String name, ObjectNode binding) {
        if (!type.resource().equals("pods") || !type.group().isEmpty()) throw new IllegalStateException("only pods have bindings");
        return WriteTracker.wrote(PodBinding.bind(store, namespace, name, binding, options, cell.clock()));
    }

    /** {@code pods/eviction}: deletes the pod if its disruption budgets allow (429 otherwise), as {@code kubectl drain} asks. */
    public void evict(String namespace, String name, ObjectNode eviction) {
        if (!type.resource().equals("pods") || !type.group().isEmpty()) throw new IllegalStateException("only pods are evicted");
        ResourceType budgets = cell.builtinApi().registry().find("policy", "v1", "poddisruptionbudgets").orElseThrow();
        PodEviction.evict(store, cell.store(budgets), namespace, name, eviction.deepCopy(), cell.clock());
        WriteTracker.wroteSomething();
    }
}
