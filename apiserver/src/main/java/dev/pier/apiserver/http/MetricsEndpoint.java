package dev.pier.apiserver.http;

import dev.pier.apiserver.auth.UserInfo;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.metrics.Exposition;
import dev.pier.apiserver.metrics.Metrics;

import java.util.List;

/**
 * {@code GET /metrics} of a cell, in Prometheus' text format. Never anonymous (as in Kubernetes). On the
 * management cell it serves every series of the process; on a tenant cell ({@code /clusters/<name>/metrics})
 * only the series labelled with that cell. Until RBAC is enforced, the groups Kubernetes' default policy lets
 * read {@code /metrics} decide: {@code system:masters} and {@code system:monitoring}; anyone else gets 403.
 */
final class MetricsEndpoint {
    static final String PATH = "/metrics";
    private static final List<String> READERS = List.of("system:masters", "system:monitoring");

    private MetricsEndpoint() {
    }

    static void serve(ApiCall call, Cell cell, Metrics metrics) {
        UserInfo user = call.user();
        if (user == null) throw ApiException.unauthorized();
        if (!call.method().equals("GET")) throw ApiException.methodNotAllowed(call.method(), PATH);
        if (user.groups().stream().noneMatch(READERS::contains)) {
            throw ApiException.forbidden("forbidden: User \"" + user.name() + "\" cannot get path \"" + PATH + "\"");
        }
        byte[] text = cell.name().equals(Cells.MANAGEMENT)
                ? Exposition.all(metrics.registry())
                : Exposition.ofCell(metrics.registry(), cell.name());
        call.respond(200, Exposition.CONTENT_TYPE, text);
    }
}
