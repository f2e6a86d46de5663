package dev.pier.apiserver.cell;

import dev.pier.apiserver.discovery.Discovery;
import dev.pier.apiserver.discovery.OpenApi;
import dev.pier.apiserver.registry.ResourceRegistry;

/**
 * What a cell serves: its resource types and the discovery and OpenAPI documents built from them.
 * Immutable. Cells without custom resources all share the built-in one; a cell's CRDs give it its own,
 * swapped in whole when they change.
 */
public record ServedApi(ResourceRegistry registry, Discovery discovery, OpenApi openApi) {
    public static ServedApi of(ResourceRegistry registry) {
        return new ServedApi(registry, new Discovery(registry), new OpenApi(registry));
    }
}
