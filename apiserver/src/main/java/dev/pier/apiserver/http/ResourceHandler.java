package dev.pier.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.apply.FieldManager;
import dev.pier.apiserver.apply.ServerSideApply;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.codec.BodyDecoder;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.FieldSelector;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.meta.LabelSelector;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ListOptions;
import dev.pier.apiserver.registry.PodBinding;
import dev.pier.apiserver.registry.PodEviction;
import dev.pier.apiserver.registry.ResourceStore;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.WriteOptions;
import dev.pier.apiserver.resources.certificates.CsrApproval;
import dev.pier.apiserver.patch.PatchSchemas;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.patch.Patcher;

import java.util.List;

/**
 * Serves the verbs on resource paths of a cell: get, list, watch, create, update, delete and
 * deletecollection, plus the status and scale subresources. Generic over kinds: everything kind-specific is in
 * the {@link ResourceType}'s strategy.
 */
final class ResourceHandler {
    private ResourceHandler() {
    }

    static void handle(ApiCall call, Cell cell, RequestInfo info) {
        ResourceType type = cell.registry().find(info.group(), info.version(), info.resource())
                .orElseThrow(() -> ApiException.pathNotFound(call.path()));
        boolean served = switch (info.subresource()) {
            case "" -> true;
            case "status" -> type.hasStatus();
            case "scale" -> type.strategy().scale() != null && !info.name().isEmpty();
            case "binding", "eviction", "log", "exec", "attach", "portforward" ->
                    type.group().isEmpty() && type.resource().equals("pods") && !info.name().isEmpty();
            case "approval" -> type.group().equals("certificates.k8s.io") && type.resource().equals("certificatesigningrequests")
                    && !info.name().isEmpty();
            default -> false;
        };
        if (!served) throw ApiException.pathNotFound(call.path());
        if (!type.namespaced() && !info.namespace().isEmpty()) throw ApiException.pathNotFound(call.path());
        ResourceStore store = cell.store(type);
        String ns = info.namespace();
        String name = info.name();
        if (info.subresource().equals("scale")) {
            ScaleHandler.handle(call, type, store, ns, name);
            return;
        }
        if (PodStreams.SUBRESOURCES.contains(info.subresource())) {
            PodStreams.handle(call, cell, store, ns, name, info.subresource());
            return;
        }
        if (info.subresource().equals("binding")) {
            if (!call.method().equals("POST")) throw ApiException.methodNotAllowed(call.method(), "pods/binding");
            ObjectNode binding = BodyDecoder.decodeObject(call.header("Content-Type"), call.body());
            PodBinding.bind(store, ns, name, binding, writeOptions(call), cell.clock());
            Responses.json(call, 201, Responses.success(201));
            return;
        }
        if (info.subresource().equals("eviction")) {
            if (!call.method().equals("POST")) throw ApiException.methodNotAllowed(call.method(), "pods/eviction");
            ObjectNode eviction = BodyDecoder.decodeObject(call.header("Content-Type"), call.body());
            ResourceType budgets = cell.registry().find("policy", "v1", "poddisruptionbudgets").orElseThrow();
            PodEviction.evict(store, cell.store(budgets), ns, name, eviction, cell.clock());
            Responses.json(call, 201, Responses.success(201));
            return;
        }
        if (info.subresource().equals("approval")) {
            switch (call.method()) {
                case "GET" -> respondObject(call, type, store.get(ns, name), 200);
                case "PUT" -> {
                    ObjectNode body = BodyDecoder.decodeObject(call.header("Content-Type"), call.body());
                    respondObject(call, type, CsrApproval.update(store, name, body, writeOptions(call), cell.clock()), 200);
                }
                default -> throw ApiException.methodNotAllowed(call.method(), "certificatesigningrequests/approval");
            }
            return;
        }
        boolean status = info.subresource().equals("status");
        boolean watch = info.legacyWatch() || isTrue(call.query("watch"));

        switch (call.method()) {
            case "GET" -> {
                if (watch) {
                    WatchStream.serve(call, type, store, ns, name, listOptions(call, type, name));
                } else if (!name.isEmpty()) {
                    respondObject(call, type, store.get(ns, name), 200);
                } else {
                    respondList(call, type, store.list(ns, listOptions(call, type, "")));
                }
            }
            case "POST" -> {
                if (!name.isEmpty()) throw ApiException.methodNotAllowed("POST", type.groupResource() + "/" + name);
                requireNamespace(type, ns);
                ObjectNode body = BodyDecoder.decodeObject(call.header("Content-Type"), call.body());
                FieldValidation.check(call, type, body);
                respondObject(call, type, store.create(ns, body, writeOptions(call)), 201);
            }
            case "PUT" -> {
                if (name.isEmpty()) throw ApiException.methodNotAllowed("PUT", type.groupResource());
                ObjectNode body = BodyDecoder.decodeObject(call.header("Content-Type"), call.body());
                FieldValidation.check(call, type, body);
                respondObject(call, type, store.update(ns, name, body, status, writeOptions(call)), 200);
            }
            case "DELETE" -> {
                DeleteOptions options = deleteOptions(call);
                if (name.isEmpty()) {
                    respondList(call, type, store.deleteCollection(ns, listOptions(call, type, ""), options));
                } else {
                    if (status) throw ApiException.methodNotAllowed("DELETE", type.groupResource() + "/status");
                    respondObject(call, type, store.delete(ns, name, options), 200);
                }
            }
            case "PATCH" -> {
                if (name.isEmpty()) throw ApiException.methodNotAllowed("PATCH", type.groupResource());
                if (PatchType.of(call.header("Content-Type")) == PatchType.APPLY) { // server-side apply
                    var applied = ServerSideApply.apply(type, store, ns, name, status,
                            call.query("fieldManager"), call.query("force"), writeOptions(call), call.body(),
                            config -> FieldValidation.check(call, type, config));
                    if (applied.failure() != null) Responses.json(call, applied.code(), applied.failure());
                    else respondObject(call, type, applied.object(), applied.code());
                } else {
                    respondObject(call, type, patch(call, type, store, ns, name, status), 200);
                }
            }
            default -> throw ApiException.methodNotAllowed(call.method(), type.groupResource());
        }
    }

    /**
     * Applies a JSON, merge or strategic merge patch in one guarded read-modify-write. A resourceVersion
     * the patch sets must match the stored one (409 otherwise); a patch without one never conflicts.
     */
    private static ObjectNode patch(ApiCall call, ResourceType type, ResourceStore store, String ns, String name, boolean status) {
        PatchType patchType = PatchType.of(call.header("Content-Type"));
        JsonNode patch = BodyDecoder.decodeTree("application/json", call.body());
        WriteOptions options = writeOptions(call);
        return store.guaranteedUpdate(ns, name, "", status, options, current -> {
            ObjectNode patched = Patcher.apply(patchType, current, patch, PatchSchemas.of(type));
            String rv = patched.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty() && !rv.equals(current.path("metadata").path("resourceVersion").asText())) {
                throw ApiException.modified(type.group(), type.resource(), name);
            }
            FieldValidation.check(call, type, patched);
            return patched;
        });
    }

    private static void requireNamespace(ResourceType type, String ns) {
        if (type.namespaced() && ns.isEmpty()) {
            throw ApiException.badRequest("the namespace of the object must be given for " + type.groupResource());
        }
    }

    private static void respondObject(ApiCall call, ResourceType type, ObjectNode object, int code) {
        if (Negotiation.wantsTable(call.header("Accept"))) {
            Responses.json(call, code, Tables.ofObject(type, object, call.query("includeObject"), true));
        } else {
            Responses.json(call, code, object);
        }
    }

    private static void respondList(ApiCall call, ResourceType type, ObjectNode list) {
        if (Negotiation.wantsTable(call.header("Accept"))) {
            Responses.json(call, 200, Tables.ofList(type, list, call.query("includeObject"), true));
        } else {
            Responses.json(call, 200, list);
        }
    }

    static ListOptions listOptions(ApiCall call, ResourceType type, String name) {
        FieldSelector fields = FieldSelector.parse(call.query("fieldSelector"), type.resource(), type.strategy().fieldSelectors());
        if (!name.isEmpty()) {
            // a watch on a single object is a watch with a name selector (kubectl get x -w)
            fields = FieldSelector.parse(joinSelector(call.query("fieldSelector"), "metadata.name=" + name),
                    type.resource(), type.strategy().fieldSelectors());
        }
        String match = orEmpty(call.query("resourceVersionMatch"));
        if (!match.isEmpty() && !List.of("NotOlderThan", "Exact").contains(match)) {
            throw ApiException.badRequest("resourceVersionMatch must be NotOlderThan or Exact, not " + match);
        }
        return new ListOptions(
                LabelSelector.parse(call.query("labelSelector")),
                fields,
                orEmpty(call.query("resourceVersion")),
                match,
                parseLong(call.query("limit"), "limit"),
                orEmpty(call.query("continue")),
                parseLong(call.query("timeoutSeconds"), "timeoutSeconds"),
                isTrue(call.query("allowWatchBookmarks")));
    }

    private static String joinSelector(String existing, String extra) {
        return existing == null || existing.isBlank() ? extra : existing + "," + extra;
    }

    static WriteOptions writeOptions(ApiCall call) {
        List<String> dryRun = call.queryAll("dryRun");
        for (String d : dryRun) {
            if (!d.equals("All")) throw ApiException.badRequest("dryRun: Unsupported value: \"" + d + "\": supported values: \"All\"");
        }
        String validation = orEmpty(call.query("fieldValidation"));
        if (validation.isEmpty()) validation = "Warn";
        if (!List.of("Strict", "Warn", "Ignore").contains(validation)) {
            throw ApiException.badRequest("fieldValidation must be one of Strict, Warn or Ignore, not " + validation);
        }
        String manager = orEmpty(call.query("fieldManager"));
        if (manager.length() > 128) throw ApiException.badRequest("fieldManager: Too long: may not be longer than 128");
        if (manager.isEmpty()) manager = FieldManager.managerFromUserAgent(call.header("User-Agent"));
        return new WriteOptions(!dryRun.isEmpty(), manager, validation, call.user());
    }

    private static DeleteOptions deleteOptions(ApiCall call) {
        JsonNode body = BodyDecoder.decodeTree(call.header("Content-Type"), call.body());
        if (body != null && !body.isObject()) throw ApiException.badRequest("the body of a delete must be DeleteOptions");
        JsonNode b = body == null ? Json.object() : body;
        long grace = b.has("gracePeriodSeconds") ? b.path("gracePeriodSeconds").asLong(-1)
                : call.query("gracePeriodSeconds") != null ? parseLong(call.query("gracePeriodSeconds"), "gracePeriodSeconds") : -1;
        String propagation = b.path("propagationPolicy").asText(orEmpty(call.query("propagationPolicy")));
        if (!propagation.isEmpty() && !List.of("Background", "Foreground", "Orphan").contains(propagation)) {
            throw ApiException.badRequest("propagationPolicy must be Background, Foreground or Orphan, not " + propagation);
        }
        boolean dryRun = !call.queryAll("dryRun").isEmpty() || b.path("dryRun").size() > 0;
        JsonNode pre = b.path("preconditions");
        return new DeleteOptions(pre.path("uid").asText(""), pre.path("resourceVersion").asText(""), grace, propagation, dryRun);
    }

    static boolean isTrue(String v) {
        return v != null && (v.equals("true") || v.equals("1"));
    }

    private static String orEmpty(String v) {
        return v == null ? "" : v;
    }

    private static long parseLong(String v, String what) {
        if (v == null || v.isEmpty()) return 0;
        try {
            long l = Long.parseLong(v);
            if (l < 0) throw new NumberFormatException();
            return l;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(what + " must be a non-negative integer, not \"" + v + "\"");
        }
    }
}
