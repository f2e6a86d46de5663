package dev.pier.apiserver.nks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.http.ApiCall;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;

import java.util.Comparator;
import java.util.List;

/** {@code /v1/clusters} and {@code /v1/clusters/{id}}: Cluster objects in the NKS shape. */
final class ClusterHandler {
    private final PierObjects objects;

    ClusterHandler(PierObjects objects) {
        this.objects = objects;
    }

    Reply list(ApiCall call, List<String> params) {
        ObjectNode body = Json.object();
        ArrayNode clusters = body.putArray("clusters");
        objects.clusters().list("").stream()
                .sorted(Comparator.comparing(c -> c.path("metadata").path("name").asText()))
                .forEach(c -> clusters.add(Views.cluster(c)));
        return Reply.json(200, body);
    }

    /** 202: the cluster exists as an object; the controller builds it, its status says how far. */
    Reply create(ApiCall call, List<String> params) {
        ObjectNode cluster = ClusterRequests.create(call.body());
        String what = "cluster \"" + cluster.path("metadata").path("name").asText() + "\"";
        ObjectNode created = ErrorTranslation.translating(FieldNames.CLUSTER, what, () -> objects.clusters().create("", cluster));
        return Reply.json(202, Views.cluster(created));
    }

    Reply get(ApiCall call, List<String> params) {
        return Reply.json(200, Views.cluster(objects.cluster(params.getFirst())));
    }

    Reply patch(ApiCall call, List<String> params) {
        ObjectNode current = objects.cluster(params.getFirst());
        ObjectNode patch = ClusterRequests.patch(call.body(), current);
        String name = current.path("metadata").path("name").asText();
        ObjectNode patched = ErrorTranslation.translating(FieldNames.CLUSTER, "cluster \"" + name + "\"", () -> objects.clusters()
                .patch("", name, current.path("metadata").path("uid").asText(), PatchType.MERGE, patch, false));
        return Reply.json(202, Views.cluster(patched));
    }

    /** 204: deletion has begun; the cluster is shown DELETE_IN_PROGRESS until the controller has cleaned up. */
    Reply delete(ApiCall call, List<String> params) {
        ObjectNode current = objects.cluster(params.getFirst());
        String name = current.path("metadata").path("name").asText();
        DeleteOptions precondition = new DeleteOptions(current.path("metadata").path("uid").asText(), "", -1, "", false);
        ErrorTranslation.translating(FieldNames.CLUSTER, "cluster \"" + name + "\"", () -> objects.clusters().delete("", name, precondition));
        return Reply.noContent();
    }
}
