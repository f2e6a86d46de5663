package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.pier.ClusterStrategy;
import dev.pier.apiserver.resources.pier.Flavors;

import java.util.List;

/** {@code GET /v1/supports}: the Kubernetes versions and flavors a cluster may have, as the kinds accept them. */
final class SupportsHandler {
    private static final long MIB = 1024 * 1024;

    Reply supports(ApiCall call, List<String> params) {
        ObjectNode body = Json.object();
        ArrayNode versions = body.putArray("versions");
        ClusterStrategy.KUBERNETES_VERSIONS.forEach(versions::add);
        ArrayNode flavors = body.putArray("flavors");
        for (Flavors.Flavor f : Flavors.all()) {
            flavors.addObject().put("name", f.name()).put("vcpus", f.cpus()).put("ram", f.memoryBytes() / MIB);
        }
        return Reply.json(200, body);
    }
}
