package dev.pier.apiserver.nks;

import dev.pier.apiserver.http.ApiCall;

import java.util.ArrayList;
import java.util.List;

/**
 * The NKS API's paths, each a pattern of literal segments and {@code {parameters}} with an endpoint per method.
 * A path that matches a pattern with another method is a 405, a path that matches none a 404.
 */
final class Routes {
    /** One endpoint; {@code params} are the path's parameters in order. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(ApiCall call, List<String> params);
    }

    private record Route(String method, String[] pattern, Endpoint endpoint) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** @param pattern below {@code /v1/}, e.g. {@code clusters/{id}/nodegroups} */
    Routes add(String method, String pattern, Endpoint endpoint) {
        routes.add(new Route(method, pattern.split("/"), endpoint));
        return this;
    }

    /** Answers a request whose path below {@code /v1/} is {@code path}. */
    Reply dispatch(ApiCall call, String method, String path) {
        String[] segments = path.split("/", -1);
        boolean pathKnown = false;
        for (Route r : routes) {
            List<String> params = match(r.pattern(), segments);
            if (params == null) continue;
            pathKnown = true;
            if (r.method().equals(method)) return r.endpoint().handle(call, params);
        }
        if (pathKnown) throw NksException.methodNotAllowed(method, "/v1/" + path);
        throw NksException.notFound(null, "no such path: /v1/" + path, "see docs/api.md for the paths of the cluster API");
    }

    private static List<String> match(String[] pattern, String[] segments) {
        if (pattern.length != segments.length) return null;
        List<String> params = new ArrayList<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                if (segments[i].isEmpty()) return null;
                params.add(segments[i]);
            } else if (!pattern[i].equals(segments[i])) {
                return null;
            }
        }
        return params;
    }
}
