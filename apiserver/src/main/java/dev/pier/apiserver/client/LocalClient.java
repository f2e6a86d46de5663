package dev.pier.apiserver.client;

import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.ResourceType;

/**
 * The API of every cell as the server's own components call it: controllers and the scheduler write
 * through the same stores, strategies, validation and field management as an HTTP request, without a
 * socket or a TLS handshake per cell. Reads of whole collections belong to informers, not here.
 */
public final class LocalClient {
    private final Cells cells;
    private final String fieldManager;

    /**
     * @param fieldManager the name written into managedFields, as Kubernetes' components use
     *                     ({@code kube-controller-manager}, {@code kube-scheduler})
     */
    public LocalClient(Cells cells, String fieldManager) {
        this.cells = cells;
        this.fieldManager = fieldManager;
    }

    /** The verbs on one resource of one cell. */
    public ResourceClient resource(String cell, ResourceType type) {
        return new ResourceClient(cell(cell), type, fieldManager);
    }

    /** A cell by its name in storage keys ({@link Cells#MANAGEMENT} for the management cell). */
    public Cell cell(String name) {
        if (name.equals(Cells.MANAGEMENT)) return cells.management();
        return cells.tenant(name).orElseThrow(() -> ApiException.notFound("", "clusters", name));
    }

    /** The built-in type of a resource, the same in every cell. */
    public ResourceType builtin(String group, String version, String resource) {
        return cells.management().builtinApi().registry().find(group, version, resource)
                .orElseThrow(() -> new IllegalArgumentException("no built-in resource " + resource + " in " + group + "/" + version));
    }
}
