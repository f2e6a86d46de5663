package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.discovery.Version;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.resources.pier.Flavors;

import java.util.List;

/** {@code GET /v1/supports}: the Kubernetes versions and flavors a cluster may have. */
final class SupportsHandler {
    Reply supports(ApiCall call, List<String> params) {
        ObjectNode body = Json.object();
        ObjectNode version = Version.document();
        // the one version Pier speaks, as a Cluster's spec.kubernetesVersion names it
        body.putArray("versions").add("v" + version.path("major").asText() + "." + version.path("minor").asText());
        ArrayNode flavors = body.putArray("flavors");
        for (Flavors.Flavor f : Flavors.all()) {
            flavors.addObject().put("name", f.name()).put("vcpus", f.cpus()).put("ram", f.memoryBytes() / (1024 * 1024));
        }
        return Reply.json(200, body);
    }
}
