package dev.pier.controllers.namespace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.util.Optional;

/**
 * What every namespace of a Kubernetes cluster holds from the start: the {@code default} ServiceAccount
 * (Kubernetes' service account controller) and the {@code kube-root-ca.crt} ConfigMap with the certificate that
 * verifies the API server (the root CA publisher), recreated if deleted and repaired if changed. Keys are namespaces.
 */
public final class NamespaceDefaultsController implements Reconciler<ObjectKey> {
    static final String ROOT_CA = "kube-root-ca.crt";
    static final String DEFAULT_ACCOUNT = "default";

    private final LocalClient client;
    private final Informer namespaces;
    private final Informer serviceAccounts;
    private final Informer configMaps;

    public NamespaceDefaultsController(LocalClient client, Informer namespaces, Informer serviceAccounts, Informer configMaps,
                                       WorkQueue<ObjectKey> queue) {
        this.client = client;
        this.namespaces = namespaces;
        this.serviceAccounts = serviceAccounts;
        this.configMaps = configMaps;
        namespaces.addHandler(EventHandler.onChange((cell, ns) -> queue.add(new ObjectKey(cell, "", ns.at("/metadata/name").asText()))));
        serviceAccounts.addHandler(EventHandler.onChange((cell, sa) -> {
            if (sa.at("/metadata/name").asText().equals(DEFAULT_ACCOUNT)) queue.add(new ObjectKey(cell, "", sa.at("/metadata/namespace").asText()));
        }));
        configMaps.addHandler(EventHandler.onChange((cell, cm) -> {
            if (cm.at("/metadata/name").asText().equals(ROOT_CA)) queue.add(new ObjectKey(cell, "", cm.at("/metadata/namespace").asText()));
        }));
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> ns = namespaces.get(key);
        // a terminating namespace refuses new content, and is about to lose it all anyway
        if (ns.isEmpty() || Owners.isBeingDeleted(ns.get())) return Result.done();
        String namespace = key.name();
        if (serviceAccounts.get(new ObjectKey(key.cell(), namespace, DEFAULT_ACCOUNT)).isEmpty()) {
            ObjectNode sa = Json.object();
            sa.putObject("metadata").put("name", DEFAULT_ACCOUNT);
            createIfMissing(client.resource(key.cell(), serviceAccounts.type()), namespace, sa);
        }
        // what verifies the API server's serving certificate: the server's (management) CA, the same for every cell
        String ca = client.cell(Cells.MANAGEMENT).certificateAuthority().certificatePem();
        Optional<ObjectNode> cm = configMaps.get(new ObjectKey(key.cell(), namespace, ROOT_CA));
        ResourceClient maps = client.resource(key.cell(), configMaps.type());
        if (cm.isEmpty()) {
            ObjectNode wanted = Json.object();
            wanted.putObject("metadata").put("name", ROOT_CA);
            wanted.putObject("data").put("ca.crt", ca);
            createIfMissing(maps, namespace, wanted);
        } else if (!cm.get().at("/data/ca.crt").asText().equals(ca)) {
            ObjectNode fixed = cm.get().deepCopy();
            fixed.withObject("data").put("ca.crt", ca);
            maps.update(fixed);
        }
        return Result.done();
    }

    private static void createIfMissing(ResourceClient resource, String namespace, ObjectNode object) {
        try {
            resource.create(namespace, object);
        } catch (ApiException e) {
            // 409: made meanwhile; 403/404: the namespace is going or gone
            if (e.code() != 409 && e.code() != 403 && e.code() != 404) throw e;
        }
    }
}
